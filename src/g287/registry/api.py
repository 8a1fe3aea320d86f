"""The read-only REST API of the registry.

It mirrors lists ICE publishes itself, so reading it needs no login (docs/decisions.md); nothing here writes.
Filters are the same FilterSets as the pages.
"""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.routers import DefaultRouter

from g287.registry.filters import AgencyFilter, AgreementFilter, PublicationFilter, annotate_status
from g287.registry.models import Agency, Agreement, AgreementEvent, Publication
from g287.registry.serializers import AgencySerializer, AgreementSerializer, PublicationSerializer


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


router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("publications", PublicationViewSet, basename="publication")
