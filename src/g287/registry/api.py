"""The REST API of the registry.

It mirrors lists ICE publishes itself, so reading it needs no login (docs/decisions.md). The one write is the
program office's: a decision on a lineage candidate (``registry.curation``); the candidates are the program
office's to read as well. Filters are the same FilterSets as the pages.
"""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from g287.registry import roles

from g287.registry.filters import AgencyFilter, AgreementFilter, PublicationFilter, annotate_status
from g287.registry.curation import decide, decisions_by_pair
from g287.registry.models import Agency, Agreement, AgreementEvent, LineageCandidate, Publication
from g287.registry.serializers import (AgencySerializer, AgreementSerializer, DecisionRequestSerializer,
                                       LineageCandidateSerializer, LineageDecisionSerializer, PublicationSerializer)


class PublicRegistryReadOnly(permissions.BasePermission):
    """Anyone may read; no one writes through this API."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS


_AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Day the status is derived for (default: today).")


@extend_schema_view(
    list=extend_schema(summary="List agencies", tags=["registry"]),
    retrieve=extend_schema(summary="One agency", tags=["registry"]),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Agencies that have appeared on ICE's participating list, with links to their agreements."""

    permission_classes = [PublicRegistryReadOnly]
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    queryset = Agency.objects.select_related("field_office").prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.only("id", "agency_id"))
    ).order_by("state", "name", "id")


@extend_schema_view(
    list=extend_schema(summary="List agreements", tags=["registry"]),
    retrieve=extend_schema(summary="One agreement with its history", tags=["registry"], parameters=[_AS_OF]),
)
class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """Agreements (one MOA per agency and model) with their status as of a day and their events."""

    permission_classes = [PublicRegistryReadOnly]
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database needed
            return Agreement.objects.none()
        as_of = timezone.localdate()
        raw = self.request.query_params.get("as_of") if self.request else None
        if raw:
            form = AgreementFilter(self.request.query_params, queryset=Agreement.objects.none()).form
            if form.is_valid() and form.cleaned_data.get("as_of"):
                as_of = form.cleaned_data["as_of"]
        qs = Agreement.objects.select_related("agency", "first_listed", "last_listed").prefetch_related(
            Prefetch("events", queryset=AgreementEvent.objects.select_related("publication").order_by("date", "id"))
        )
        return annotate_status(qs, as_of).order_by("agency__state", "agency__name", "model", "signed", "id")


@extend_schema_view(
    list=extend_schema(summary="List ICE publications", tags=["registry"]),
    retrieve=extend_schema(summary="One ICE publication", tags=["registry"]),
)
class PublicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Each captured copy of ICE's participating and pending agency lists."""

    permission_classes = [PublicRegistryReadOnly]
    serializer_class = PublicationSerializer
    filterset_class = PublicationFilter
    queryset = Publication.objects.order_by("published", "edition", "captured", "id")


class CuratesLineage(permissions.BasePermission):
    message = _("Curating the lineage is for the program office.")

    def has_permission(self, request, view):
        return roles.may(request.user, roles.CURATE_LINEAGE) and request.user is not None


@extend_schema_view(
    list=extend_schema(summary="List lineage candidates", tags=["registry"], parameters=[
        OpenApiParameter("merged", OpenApiTypes.BOOL, description="true: the merges made; false: those declined.")]),
    retrieve=extend_schema(summary="One lineage candidate", tags=["registry"]),
)
class LineageCandidateViewSet(viewsets.ReadOnlyModelViewSet):
    """Renames and re-dated rows the lineage merged or declined to merge, each with the program office's decision.

    Program office only. A candidate's id holds until the lineage is next recomputed (each decision recomputes
    it); the decision itself is kept by the two rows' identities and applies on every recompute."""

    permission_classes = [permissions.IsAuthenticated, CuratesLineage]
    serializer_class = LineageCandidateSerializer
    filterset_class = None

    def get_queryset(self):
        qs = (LineageCandidate.objects.select_related("old__agency", "new__agency", "publication")
              .order_by("merged", "publication__published", "id"))
        merged = self.request.query_params.get("merged") if self.request else None
        if merged in ("true", "1", "false", "0"):
            qs = qs.filter(merged=merged in ("true", "1"))
        return qs

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            ctx["decisions"] = decisions_by_pair()
        return ctx

    @extend_schema(summary="Decide on a lineage candidate", tags=["registry"], request=DecisionRequestSerializer,
                   responses={200: LineageDecisionSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
                   description="Confirm or reject a declined candidate, or split a merge, with a reason. The "
                               "decision is audited and the lineage recomputed at once. 400 names the field at "
                               "fault (a missing reason, a decision that does not fit the candidate).")
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None, format=None):  # format: the router's .json suffix routes
        candidate = self.get_object()
        body = DecisionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row, _counts = decide(request.user, candidate, body.validated_data["decision"],
                              body.validated_data["reason"], at=timezone.now())
        return Response(LineageDecisionSerializer(row).data)


router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("publications", PublicationViewSet, basename="publication")
router.register("lineage-candidates", LineageCandidateViewSet, basename="lineage-candidate")
