"""Representations of the registry for the API: read-only, but for the program office's lineage decisions."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from g287.registry.filters import Status
from g287.registry.models import (Agency, Agreement, AgreementEvent, FieldOffice, LineageCandidate, LineageDecision,
                                  Publication)


class FieldOfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldOffice
        fields = ["code", "name", "states"]


class PublicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["id", "kind", "file_name", "sha256", "published", "edition", "captured", "rows", "imported"]


class AgreementEventSerializer(serializers.ModelSerializer):
    publication = serializers.SlugRelatedField(slug_field="file_name", read_only=True)

    class Meta:
        model = AgreementEvent
        fields = ["kind", "date", "by", "exigent", "lifted", "note", "publication"]


class AgreementSerializer(serializers.ModelSerializer):
    agency = serializers.HyperlinkedRelatedField(view_name="api:agency-detail", read_only=True)
    agency_id = serializers.IntegerField(read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    state = serializers.CharField(source="agency.state", read_only=True)
    status = serializers.ChoiceField(source="status_on", choices=Status.choices, read_only=True, allow_null=True,
                                     help_text="Derived from ICE's listings as of `as_of` (today by default); "
                                               "null when not yet listed on that day.")
    first_listed = serializers.DateField(source="first_listed.published", read_only=True, allow_null=True)
    last_listed = serializers.DateField(source="last_listed.published", read_only=True, allow_null=True)
    events = AgreementEventSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "url", "key", "agency", "agency_id", "agency_name", "state", "model", "template_version",
                  "template_inferred", "template_reason", "signed", "expires", "moa_link", "moa_url", "addendum",
                  "addendum_url", "first_listed", "last_listed", "superseded_by", "status", "events"]
        extra_kwargs = {"url": {"view_name": "api:agreement-detail"}}

    def get_fields(self):
        fields = super().get_fields()
        fields["superseded_by"] = serializers.HyperlinkedRelatedField(view_name="api:agreement-detail", read_only=True)
        return fields


class AgencySerializer(serializers.ModelSerializer):
    field_office = FieldOfficeSerializer(read_only=True)
    agreements = serializers.HyperlinkedRelatedField(view_name="api:agreement-detail", many=True, read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "url", "key", "name", "state", "ice_type", "county", "field_office", "detention_agreement",
                  "ori", "population", "sworn_officers", "civilians", "agreements"]
        extra_kwargs = {"url": {"view_name": "api:agency-detail"}}


class LineageDecisionSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                      help_text="Who decided; null when the system did (a command on the server).")

    class Meta:
        model = LineageDecision
        fields = ["id", "kind", "old_identity", "new_identity", "decision", "reason", "by", "at"]


class LineageCandidateSerializer(serializers.ModelSerializer):
    published = serializers.DateField(source="publication.published", read_only=True,
                                      help_text="Date of the ICE list on which the pair was considered.")
    state = serializers.CharField(source="old.agency.state", read_only=True)
    old_name = serializers.CharField(source="old.agency.name", read_only=True)
    new_name = serializers.CharField(source="new.agency.name", read_only=True, allow_null=True, default=None)
    decision = serializers.SerializerMethodField(
        help_text="The program office's decision on this pair, if any (it applies on every recompute).")

    class Meta:
        model = LineageCandidate
        fields = ["id", "kind", "merged", "state", "old", "old_name", "old_identity", "new", "new_name",
                  "new_identity", "publication", "published", "score", "reason", "decision"]

    @extend_schema_field(LineageDecisionSerializer(allow_null=True))
    def get_decision(self, obj):
        d = self.context.get("decisions", {}).get((obj.old_identity, obj.new_identity))
        return LineageDecisionSerializer(d).data if d else None


class DecisionRequestSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=LineageDecision.Decision.choices,
                                       help_text="confirm or reject a declined candidate; split a merged one.")
    reason = serializers.CharField(max_length=2000, help_text="Why: required, kept with the decision and audited.")
