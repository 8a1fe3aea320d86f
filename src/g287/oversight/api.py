"""The oversight API: login required, every list scoped by ``accounts.scoping``; writes go through services.

Mounted at /api/oversight/: reviews (with sign and return), inspections (with findings and corrective
actions), complaints, sanctions, and the due schedule.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from g287 import inputs
from g287.accounts.scoping import scope, visible_agencies
from g287.oversight import roles
from g287.oversight import services as s
from g287.oversight.models import Complaint, CorrectiveAction, Finding, Inspection, ReviewItem, Sanction
from g287.oversight.schedule import due_and_overdue


class SeesOversight(permissions.BasePermission):
    def has_permission(self, request, view):
        return roles.views_oversight(request.user)


class ReviewItemSerializer(serializers.ModelSerializer):
    function = serializers.CharField(source="action.function")
    model = serializers.CharField(source="action.agreement.model")
    officer = serializers.CharField(source="action.officer.reference")
    local_date = serializers.DateField(source="action.local_date")

    class Meta:
        model = ReviewItem
        fields = ["id", "action", "agency", "function", "model", "officer", "local_date", "reason", "queued",
                  "decision", "decided_at", "return_reason"]


class CorrectiveActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CorrectiveAction
        fields = ["id", "description", "due", "closed", "closure_note"]


class FindingSerializer(serializers.ModelSerializer):
    corrective_actions = CorrectiveActionSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "severity", "clause", "description", "corrective_actions"]


class InspectionSerializer(serializers.ModelSerializer):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "agency", "agreement", "kind", "held", "summary", "findings"]


class ComplaintSerializer(serializers.ModelSerializer):
    stage = serializers.SerializerMethodField()
    obligations = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = ["id", "receipt", "agency", "officer", "received", "received_local", "source", "allegation",
                  "about", "occurred_on", "occurred_place", "summary", "investigation_started", "resolved",
                  "outcome", "stage", "obligations"]

    def get_stage(self, obj) -> str | None:
        return s.stage(obj)

    def get_obligations(self, obj) -> list[dict]:
        return [{"code": o.code, "due_local": o.due_local, "fulfilled_at": o.fulfilled_at}
                for o in obj.obligations.all()]


class SanctionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sanction
        fields = ["id", "kind", "reason", "status", "agency", "officer", "agreement", "complaint", "details",
                  "proposed_at", "decided_at", "decision_reason", "start", "effective", "length_days", "lifted"]


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class _Scoped(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, SeesOversight]
    agency_field = "agency"
    base = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.base.none()
        return scope(self.base, self.request.user, self.agency_field).order_by("id")


@extend_schema_view(list=extend_schema(tags=["oversight"]), retrieve=extend_schema(tags=["oversight"]))
class ReviewItemViewSet(_Scoped):
    """Documents in the supervisor review queue (``?pending=1`` for those waiting)."""

    serializer_class = ReviewItemSerializer
    base = ReviewItem.objects.select_related("action__agreement", "action__officer")

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get("pending") in ("1", "true"):
            qs = qs.filter(decision="")
        return qs

    @extend_schema(request=None, responses=ReviewItemSerializer, tags=["oversight"])
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None, format=None):  # format: the router's .json suffix routes
        item = self.get_object()
        return Response(ReviewItemSerializer(s.sign_review(request.user, item)).data)

    @extend_schema(request=ReturnSerializer, responses=ReviewItemSerializer, tags=["oversight"])
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None, format=None):
        item = self.get_object()
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        out = s.return_review(request.user, item, body.validated_data.get("reason", ""))
        return Response(ReviewItemSerializer(out).data)


@extend_schema_view(list=extend_schema(tags=["oversight"]), retrieve=extend_schema(tags=["oversight"]))
class InspectionViewSet(_Scoped):
    """Inspections, meetings and first reviews held, with findings and corrective actions."""

    serializer_class = InspectionSerializer
    base = Inspection.objects.prefetch_related("findings__corrective_actions")


@extend_schema_view(list=extend_schema(tags=["oversight"]), retrieve=extend_schema(tags=["oversight"]))
class ComplaintViewSet(_Scoped):
    """Complaints with their stage and deadlines (officers and oversight readers see none)."""

    serializer_class = ComplaintSerializer
    base = Complaint.objects.select_related("agency").prefetch_related("obligations")


@extend_schema_view(list=extend_schema(tags=["oversight"]), retrieve=extend_schema(tags=["oversight"]))
class SanctionViewSet(_Scoped):
    """Sanctions proposed and decided."""

    serializer_class = SanctionSerializer
    base = Sanction.objects.all()


MAX_HORIZON_DAYS = 3660  # ten years ahead


class DueView(APIView):
    """Inspections, FOD–LEA meetings and first reviews overdue and due (``as_of``, ``horizon`` days)."""

    permission_classes = [permissions.IsAuthenticated, SeesOversight]

    @extend_schema(tags=["oversight"], responses=dict)
    def get(self, request):
        as_of = inputs.day_param(request.query_params)
        horizon = inputs.whole_param(request.query_params, "horizon", 90, maximum=MAX_HORIZON_DAYS)
        overdue, due = due_and_overdue(as_of, visible_agencies(request.user, as_of).values("pk"), horizon)

        def rows(items):
            return [{"kind": i.kind, "agency": i.agency.pk, "agency_name": i.agency.name,
                     "agreement": getattr(i.agreement, "pk", None), "due": i.due, "basis": i.basis}
                    for i in items]

        return Response({"as_of": as_of, "overdue": rows(overdue), "due": rows(due)})


router = DefaultRouter()
router.register("reviews", ReviewItemViewSet, basename="review")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("sanctions", SanctionViewSet, basename="sanction")
