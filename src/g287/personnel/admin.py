"""The Django admin shows officers, trainings and authorizations read-only: every change goes through the
personnel pages or API, whose services write the audit event."""

from django.contrib import admin

from g287.personnel.models import Authorization, ExamScore, Officer, Training
from g287.readonly_admin import ReadOnly


class ExamInline(admin.TabularInline):
    model = ExamScore
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuthorizationInline(TrainingInline):
    model = Authorization


@admin.register(Officer)
class OfficerAdmin(ReadOnly):
    list_display = ["reference", "agency", "background_check", "us_citizen", "lea_experience_years", "nominated",
                    "synthetic"]
    list_filter = ["background_check", "synthetic", "agency__state"]
    search_fields = ["reference", "agency__name"]
    list_select_related = ["agency"]
    inlines = [TrainingInline, AuthorizationInline]


@admin.register(Training)
class TrainingAdmin(ReadOnly):
    list_display = ["officer", "course", "model", "completed"]
    list_filter = ["course", "model"]
    search_fields = ["officer__reference"]
    list_select_related = ["officer"]
    inlines = [ExamInline]


@admin.register(Authorization)
class AuthorizationAdmin(ReadOnly):
    list_display = ["officer", "agreement", "granted", "revoked"]
    list_filter = ["agreement__model"]
    search_fields = ["officer__reference", "agreement__agency__name"]
    list_select_related = ["officer", "agreement__agency"]
