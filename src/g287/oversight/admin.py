"""Oversight in the admin: read-only, because every write goes through a service that audits it.
The two settings (inspection cycle per model, WSO review sample rate) are saved through their services."""

from django.contrib import admin

from g287.oversight import services as s
from g287.oversight.models import (
    Complaint, ComplaintObligation, CorrectiveAction, Finding, Inspection, InspectionCycle, ReviewItem,
    ReviewSampleRate, Sanction,
)
from g287.readonly_admin import ReadOnly


class ObligationInline(admin.TabularInline):
    model = ComplaintObligation
    extra = 0
    can_delete = False
    readonly_fields = ["code", "due_local", "due", "fulfilled_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnly):
    list_display = ["receipt", "agency", "received_local", "allegation", "about", "outcome", "resolved"]
    list_filter = ["allegation", "about", "outcome", "source"]
    search_fields = ["receipt", "agency__name"]
    inlines = [ObligationInline]


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnly):
    list_display = ["action", "agency", "reason", "queued", "decision", "decided_by"]
    list_filter = ["reason", "decision"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnly):
    list_display = ["agency", "kind", "held", "agreement"]
    list_filter = ["kind"]
    search_fields = ["agency__name"]


@admin.register(Finding)
class FindingAdmin(ReadOnly):
    list_display = ["inspection", "severity", "clause"]
    list_filter = ["severity"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnly):
    list_display = ["finding", "due", "closed"]


@admin.register(Sanction)
class SanctionAdmin(ReadOnly):
    list_display = ["kind", "reason", "status", "agency", "officer", "agreement", "start", "effective"]
    list_filter = ["kind", "reason", "status"]


@admin.register(InspectionCycle)
class InspectionCycleAdmin(admin.ModelAdmin):
    list_display = ["model", "months"]

    def save_model(self, request, obj, form, change):
        saved = s.set_inspection_cycle(request.user, obj.model, obj.months)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewSampleRate)
class ReviewSampleRateAdmin(admin.ModelAdmin):
    list_display = ["agency", "rate"]
    raw_id_fields = ["agency"]

    def save_model(self, request, obj, form, change):
        saved = s.set_sample_rate(request.user, obj.rate, agency=obj.agency)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False
