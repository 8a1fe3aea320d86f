"""Read-only API of program management: login required, agency rows scoped like the pages."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from g287.accounts.scoping import scope
from g287.program import services
from g287.program.fiscal import fiscal_year
from g287.program.models import (
    AgencyCost,
    AnnualTarget,
    Appropriation,
    Evaluation,
    ITInstallation,
    ProgramApplication,
    ScaapReimbursement,
    TrainingClass,
)
from g287.registry.models import Agreement


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["as_of", "resources_score", "resources_reasons", "civil_rights_score", "civil_rights_reasons",
                  "capacity_score", "capacity_reasons", "total", "weights"]


class ApplicationSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    state = serializers.CharField(source="agency.state", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True, allow_null=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)

    class Meta:
        model = ProgramApplication
        fields = ["id", "agency", "agency_name", "state", "model", "ice_application", "received", "status",
                  "declared_lawsuits", "declared_consent_decrees", "declared_findings", "annual_bookings",
                  "foreign_born_share", "ice_encounters", "officers_planned", "decided", "decided_by",
                  "decision_reason", "shortfalls", "shortfall_acknowledged", "evaluations"]


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications under evaluation and decided, with every evaluation (newest last)."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["status", "model", "agency"]

    def get_queryset(self):
        qs = ProgramApplication.objects.select_related("agency", "decided_by").prefetch_related("evaluations")
        return scope(qs, self.request.user).order_by("received", "id")


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualTarget
        fields = ["fiscal_year", "target", "set_on", "note"]


class ProgressSerializer(serializers.Serializer):
    """``services.progress``: new agreements signed in a fiscal year against its target."""

    fiscal_year = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    signed = serializers.IntegerField()
    by_model = serializers.DictField(child=serializers.IntegerField(), help_text="new agreements per model")
    target = serializers.IntegerField(allow_null=True)
    percent = serializers.CharField(allow_null=True, help_text="signed as a share of the target, e.g. \"42.5\"")


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual targets; ``progress/`` adds new agreements signed per fiscal year (agreements you may see)."""

    serializer_class = TargetSerializer
    queryset = AnnualTarget.objects.order_by("fiscal_year")
    lookup_field = "fiscal_year"

    @extend_schema(summary="Target and new agreements signed in one fiscal year", responses=ProgressSerializer)
    @action(detail=True)
    def progress(self, request, fiscal_year=None, format=None):  # format: the router's .json suffix routes
        if not (fiscal_year or "").isdigit() or not 2002 <= int(fiscal_year) <= 2100:  # the target form's range
            raise NotFound(f"no fiscal year {fiscal_year!r}: a year from 2002 to 2100")
        fy = int(fiscal_year)
        today = timezone.localdate()
        agreements = scope(Agreement.objects.all(), request.user)
        p = services.progress(fy, agreements, as_of=today if fy == _fy_now() else None)
        return Response({k: (str(v) if k == "percent" and v is not None else v) for k, v in p.items()})


def _fy_now():
    return fiscal_year(timezone.localdate())


class AppropriationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appropriation
        fields = ["fiscal_year", "amount", "source", "note"]


class CostSerializer(serializers.Serializer):
    """``services.cost_per_agreement``: amounts in dollars as decimal text, null when unknown."""

    fiscal_year = serializers.IntegerField()
    agreements_in_force = serializers.IntegerField()
    appropriation = serializers.CharField(allow_null=True)
    local_costs = serializers.CharField()
    federal_costs_entered = serializers.CharField()
    scaap = serializers.CharField()
    federal_per_agreement = serializers.CharField(allow_null=True)
    local_per_agreement = serializers.CharField(allow_null=True)
    per_agreement = serializers.CharField(allow_null=True)


class AppropriationViewSet(viewsets.ReadOnlyModelViewSet):
    """Federal appropriations by fiscal year; ``cost/`` gives the cost per agreement of that year."""

    serializer_class = AppropriationSerializer
    queryset = Appropriation.objects.order_by("fiscal_year")
    lookup_field = "fiscal_year"

    @extend_schema(summary="Cost per agreement in force in one fiscal year", responses=CostSerializer)
    @action(detail=False, url_path=r"cost/(?P<fy>\d{4})")
    def cost(self, request, fy=None, format=None):
        if not 2002 <= int(fy) <= 2100:  # a fiscal year the program can have (year 0000 has no bounds)
            raise NotFound(f"no fiscal year {fy!r}: a year from 2002 to 2100")
        c = services.cost_per_agreement(int(fy))
        return Response({k: (str(v) if v is not None and not isinstance(v, int) else v) for k, v in c.items()})


class AgencyCostSerializer(serializers.ModelSerializer):
    party = serializers.CharField(read_only=True)

    class Meta:
        model = AgencyCost
        fields = ["id", "agency", "fiscal_year", "category", "party", "amount", "note"]


class AgencyCostViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencyCostSerializer
    filterset_fields = ["agency", "fiscal_year", "category"]

    def get_queryset(self):
        return scope(AgencyCost.objects.all(), self.request.user).order_by("fiscal_year", "agency_id", "category")


class ScaapSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScaapReimbursement
        fields = ["id", "agency", "fiscal_year", "amount", "note"]


class ScaapViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ScaapSerializer
    filterset_fields = ["agency", "fiscal_year"]

    def get_queryset(self):
        return scope(ScaapReimbursement.objects.all(), self.request.user).order_by("fiscal_year", "agency_id")


class TrainingClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingClass
        fields = ["id", "model", "start", "end", "location", "seats", "seats_taken", "seats_open"]


class TrainingClassViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingClassSerializer
    queryset = TrainingClass.objects.order_by("start", "model", "id")
    filterset_fields = ["model"]


class ITInstallationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ITInstallation
        fields = ["id", "agency", "requested", "installed", "note"]


class ITInstallationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ITInstallationSerializer
    filterset_fields = ["agency"]

    def get_queryset(self):
        return scope(ITInstallation.objects.all(), self.request.user).order_by("requested", "id")


router = DefaultRouter()
router.register("applications", ApplicationViewSet, basename="api-application")
router.register("targets", TargetViewSet, basename="api-target")
router.register("appropriations", AppropriationViewSet, basename="api-appropriation")
router.register("agency-costs", AgencyCostViewSet, basename="api-agency-cost")
router.register("scaap", ScaapViewSet, basename="api-scaap")
router.register("training-classes", TrainingClassViewSet, basename="api-training-class")
router.register("it-installations", ITInstallationViewSet, basename="api-it-installation")
