from django.contrib import admin

from g287.registry.models import (
    Agency,
    Agreement,
    AgreementEvent,
    Application,
    FieldOffice,
    LineageCandidate,
    Observation,
    Publication,
)


@admin.register(FieldOffice)
class FieldOfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class AgreementInline(admin.TabularInline):
    model = Agreement
    fields = ["model", "signed", "template_version", "template_inferred", "key"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "county", "ice_type", "field_office", "ori", "sworn_officers"]
    list_filter = ["state", "ice_type", "field_office", "detention_agreement"]
    search_fields = ["name", "county", "key", "ori"]
    inlines = [AgreementInline]


class AgreementEventInline(admin.TabularInline):
    model = AgreementEvent
    fields = ["date", "kind", "by", "exigent", "lifted", "note", "publication"]
    extra = 0
    autocomplete_fields = ["publication"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["agency", "model", "signed", "template_version", "template_inferred", "status", "moa_link"]
    list_filter = ["status", "model", "template_version", "template_inferred", "moa_link", "addendum", "agency__state"]
    search_fields = ["agency__name", "agency__county", "key"]
    date_hierarchy = "signed"
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    inlines = [AgreementEventInline]


@admin.register(AgreementEvent)
class AgreementEventAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "agreement", "by", "publication"]
    list_filter = ["kind", "by", "exigent"]
    search_fields = ["agreement__agency__name", "note"]
    date_hierarchy = "date"
    list_select_related = ["agreement__agency", "publication"]
    autocomplete_fields = ["agreement", "publication"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "published", "edition", "captured", "rows", "imported"]
    list_filter = ["kind", "edition"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "published"


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["agency", "model", "status", "first_listed", "last_listed", "agreement"]
    list_filter = ["status", "model", "agency__state"]
    search_fields = ["agency__name", "key"]
    list_select_related = ["agency", "first_listed", "last_listed", "agreement"]
    raw_id_fields = ["agency", "agreement", "first_listed", "last_listed", "closed_by"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """The rows as ICE listed them: evidence, so read-only here."""

    list_display = ["publication", "row", "name", "state", "model", "signed", "agreement", "application"]
    list_filter = ["model", "state", "publication__kind"]
    search_fields = ["name", "county", "identity"]
    list_select_related = ["publication", "agreement__agency", "application__agency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LineageCandidate)
class LineageCandidateAdmin(admin.ModelAdmin):
    list_display = ["kind", "merged", "old_identity", "new_identity", "score", "publication"]
    list_filter = ["kind", "merged"]
    search_fields = ["old_identity", "new_identity", "reason"]
    list_select_related = ["publication"]
    raw_id_fields = ["old", "new", "publication"]
