"""The changes, read-only, for everyone (they derive from lists ICE itself publishes): ``/api/changes/``."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from g287.changes import services
from g287.changes.forms import ChangeFilterForm
from g287.changes.models import Change


class ChangeSerializer(serializers.ModelSerializer):
    publication = serializers.CharField(source="publication.file_name")
    date = serializers.DateField(source="published")
    agency = serializers.CharField(source="agency_name")
    agreement = serializers.CharField(source="agreement_key")

    class Meta:
        model = Change
        fields = ["id", "publication", "date", "kind", "state", "county", "agency", "agency_id", "model", "signed",
                  "agreement", "before", "after"]


class ChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """What each ICE publication changed against the previous one; filters: state, county, model, kind, since,
    until, agency (id)."""

    serializer_class = ChangeSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        form = ChangeFilterForm(self.request.query_params or None)
        d = form.cleaned_data if form.is_valid() else {}
        qs = services.changes(since=d.get("since"), state=d.get("state") or None, county=d.get("county") or None,
                              model=d.get("model") or None, kinds=[d["kind"]] if d.get("kind") else None,
                              agency_id=d.get("agency") or None).select_related("publication")
        if d.get("until"):
            qs = qs.filter(published__lte=d["until"])
        return qs


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("changes", ChangeViewSet, basename="change")
