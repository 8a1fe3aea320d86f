"""Django admin for program management.

Entered facts (limits, staffing, classes, installations, appropriations, costs, SCAAP) are saved through the
services, so every change made here writes its audit event. Applications, evaluations and targets are
read-only here: they change only through their workflow on the program pages.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError

from g287.program import services
from g287.program.models import (
    AgencyCost,
    AnnualTarget,
    Appropriation,
    CapacityLimits,
    Evaluation,
    ITInstallation,
    ProgramApplication,
    ScaapReimbursement,
    SupervisorStaffing,
    TrainingClass,
)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        services.save_entry(request.user, obj)

    def delete_model(self, request, obj):
        services.delete_entry(request.user, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_entry(request.user, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class Checked(form):
            def _post_clean(self):
                super()._post_clean()
                try:
                    services.check_entry(self.instance)
                except ValidationError as exc:
                    self._update_errors(exc)

        return Checked

    def _may(self, request) -> bool:
        return services.may_enter(request.user, self.model)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CapacityLimits)
class CapacityLimitsAdmin(AuditedAdmin):
    list_display = ["effective", "max_officers_per_supervisor", "training_window_days", "max_pending_installations"]


@admin.register(SupervisorStaffing)
class SupervisorStaffingAdmin(AuditedAdmin):
    list_display = ["field_office", "supervisors", "start", "end"]
    list_filter = ["field_office"]


@admin.register(TrainingClass)
class TrainingClassAdmin(AuditedAdmin):
    list_display = ["model", "start", "end", "location", "seats", "seats_taken"]
    list_filter = ["model"]
    date_hierarchy = "start"


@admin.register(ITInstallation)
class ITInstallationAdmin(AuditedAdmin):
    list_display = ["agency", "requested", "installed"]
    list_filter = ["installed"]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(Appropriation)
class AppropriationAdmin(AuditedAdmin):
    list_display = ["fiscal_year", "amount", "source"]


@admin.register(AgencyCost)
class AgencyCostAdmin(AuditedAdmin):
    list_display = ["agency", "fiscal_year", "category", "amount"]
    list_filter = ["fiscal_year", "category"]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(ScaapReimbursement)
class ScaapReimbursementAdmin(AuditedAdmin):
    list_display = ["agency", "fiscal_year", "amount"]
    list_filter = ["fiscal_year"]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]


class EvaluationInline(admin.TabularInline):
    model = Evaluation
    fields = ["as_of", "resources_score", "civil_rights_score", "capacity_score", "total", "evaluated_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgramApplication)
class ProgramApplicationAdmin(ReadOnlyAdmin):
    list_display = ["agency", "model", "received", "status", "decided", "decided_by"]
    list_filter = ["status", "model"]
    search_fields = ["agency__name"]
    inlines = [EvaluationInline]



@admin.register(AnnualTarget)
class AnnualTargetAdmin(ReadOnlyAdmin):
    list_display = ["fiscal_year", "target", "set_on", "set_by"]
