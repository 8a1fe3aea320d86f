"""The personnel API, mounted at /api/personnel/: login required, every list scoped by ``accounts.scoping``.

Officers (list, detail, their standing on a day); coordinators nominate (POST to the list) and record trainings;
ICE staff certify eligibility, authorize and revoke. Each write is the personnel service the pages call.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from g287 import inputs
from g287.accounts.scoping import scope
from g287.personnel import roles
from g287.personnel import services as s
from g287.personnel.models import Authorization, BackgroundCheck, Course, Officer, Training
from g287.personnel.status import officer_status, standings
from g287.registry.choices import AgreementModel
from g287.registry.models import Agreement


class SeesOfficers(permissions.BasePermission):
    def has_permission(self, request, view):
        return roles.may(request.user, roles.VIEW)


class TrainingSerializer(serializers.ModelSerializer):
    exams = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = ["id", "course", "model", "completed", "exams"]

    def get_exams(self, obj) -> list[int]:
        return [x.score for x in obj.exams.all()]


class AuthorizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Authorization
        fields = ["id", "officer", "agreement", "granted", "revoked", "revocation_reason"]


class OfficerSerializer(serializers.ModelSerializer):
    trainings = TrainingSerializer(many=True, read_only=True)
    authorizations = AuthorizationSerializer(many=True, read_only=True)

    class Meta:
        model = Officer
        fields = ["id", "agency", "reference", "us_citizen", "background_check", "lea_experience_years", "nominated",
                  "synthetic", "trainings", "authorizations"]
        read_only_fields = ["agency", "background_check", "synthetic"]


class NominationSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=64)
    us_citizen = serializers.BooleanField(default=True)
    lea_experience_years = serializers.FloatField(min_value=0, max_value=60)
    nominated = serializers.DateField(required=False, allow_null=True)


class TrainingInputSerializer(serializers.Serializer):
    course = serializers.ChoiceField(choices=Course.choices)
    model = serializers.ChoiceField(choices=AgreementModel.choices)
    completed = serializers.DateField()
    exams = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=100), min_length=1)


class EligibilitySerializer(serializers.Serializer):
    background_check = serializers.ChoiceField(choices=BackgroundCheck.choices, required=False)
    us_citizen = serializers.BooleanField(required=False, allow_null=True, default=None)
    lea_experience_years = serializers.FloatField(min_value=0, max_value=60, required=False)


class GrantSerializer(serializers.Serializer):
    agreement = serializers.IntegerField()
    granted = serializers.DateField()


class RevokeSerializer(serializers.Serializer):
    revoked = serializers.DateField()
    reason = serializers.CharField()


def _service(fn, out):
    """The service's result as 201; a refusal goes to the API's exception handler (400, 403)."""
    return Response(out(fn()).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, data):
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


AS_OF = OpenApiParameter("as_of", date, description="The day (YYYY-MM-DD); today by default.")


@extend_schema_view(list=extend_schema(tags=["personnel"]), retrieve=extend_schema(tags=["personnel"]))
class OfficerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Officers of the agencies in the reader's scope, with their trainings and authorizations."""

    permission_classes = [permissions.IsAuthenticated, SeesOfficers]
    serializer_class = OfficerSerializer

    def get_queryset(self):
        qs = Officer.objects.prefetch_related("trainings__exams", "authorizations")
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        return scope(qs, self.request.user).order_by("id")

    @extend_schema(request=NominationSerializer, responses={201: OfficerSerializer}, tags=["personnel"])
    def create(self, request, *args, **kwargs):
        """Nominate an officer of the coordinator's own agency."""
        agency = request.user.agency if request.user.agency_id else None
        if agency is None or not roles.may(request.user, roles.NOMINATE, agency):
            raise ApiPermissionDenied("officers are nominated by their agency's coordinator")
        d = _valid(NominationSerializer, request.data)
        return _service(lambda: s.nominate_officer(request.user, agency, d["reference"], us_citizen=d["us_citizen"],
                                                   lea_experience_years=d["lea_experience_years"],
                                                   nominated=d.get("nominated") or timezone.localdate()),
                        OfficerSerializer)

    @extend_schema(parameters=[AS_OF], responses=dict, tags=["personnel"])
    @action(detail=True, methods=["get"])
    def status(self, request, pk=None, format=None):
        """Certified, training current, and under each agreement of the agency whether the engine lets the officer
        act on the day and every reason why not."""
        officer = self.get_object()
        as_of = inputs.day_param(request.query_params)
        st = officer_status(officer, as_of)
        return Response({
            "officer": officer.pk, "as_of": as_of, "certified": sorted(st.certified),
            "training_current_until": st.training_current_until,
            "agreements": [{"agreement": x.agreement.pk, "may_act": x.may_act,
                            "violations": [{"code": v.code, "message": v.message} for v in x.violations],
                            "authorization": x.authorization.pk if x.authorization else None,
                            "authorization_ends": x.authorization_ends} for x in standings(officer, as_of)],
        })

    @extend_schema(request=TrainingInputSerializer, responses={201: TrainingSerializer}, tags=["personnel"])
    @action(detail=True, methods=["post"])
    def trainings(self, request, pk=None, format=None):
        officer = self.get_object()
        roles.require(request.user, roles.TRAINING, officer.agency)
        d = _valid(TrainingInputSerializer, request.data)
        return _service(lambda: s.record_training(request.user, officer, **d), TrainingSerializer)

    @extend_schema(request=EligibilitySerializer, responses={201: OfficerSerializer}, tags=["personnel"])
    @action(detail=True, methods=["post"])
    def eligibility(self, request, pk=None, format=None):
        officer = self.get_object()
        roles.require(request.user, roles.CERTIFY, officer.agency)
        d = _valid(EligibilitySerializer, request.data)
        return _service(lambda: s.update_eligibility(request.user, officer, **d), OfficerSerializer)

    @extend_schema(request=GrantSerializer, responses={201: AuthorizationSerializer}, tags=["personnel"])
    @action(detail=True, methods=["post"])
    def authorizations(self, request, pk=None, format=None):
        officer = self.get_object()
        roles.require(request.user, roles.AUTHORIZE, officer.agency)
        d = _valid(GrantSerializer, request.data)
        agreement = Agreement.objects.filter(pk=d["agreement"], agency=officer.agency).first()
        if agreement is None:
            return Response({"agreement": [f"agency {officer.agency.key} has no agreement {d['agreement']}"]},
                            status=400)
        return _service(lambda: s.grant_authorization(request.user, officer, agreement, d["granted"]),
                        AuthorizationSerializer)


@extend_schema_view(list=extend_schema(tags=["personnel"]), retrieve=extend_schema(tags=["personnel"]))
class AuthorizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Authorizations of the officers in the reader's scope; ICE staff revoke them."""

    permission_classes = [permissions.IsAuthenticated, SeesOfficers]
    serializer_class = AuthorizationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Authorization.objects.none()
        return scope(Authorization.objects.select_related("officer__agency"), self.request.user,
                     "officer__agency").order_by("id")

    @extend_schema(request=RevokeSerializer, responses={201: AuthorizationSerializer}, tags=["personnel"])
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None, format=None):
        auth = self.get_object()
        roles.require(request.user, roles.AUTHORIZE, auth.officer.agency)
        d = _valid(RevokeSerializer, request.data)
        return _service(lambda: s.revoke_authorization(request.user, auth, d["revoked"], d["reason"]),
                        AuthorizationSerializer)


router = DefaultRouter()
router.register("officers", OfficerViewSet, basename="officer")
router.register("authorizations", AuthorizationViewSet, basename="authorization")
