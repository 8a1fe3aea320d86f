"""The operations API: record an action (``POST /api/actions/``), read the actions and deadlines one may see,
and mark an obligation fulfilled. Login required (session; staff sessions have passed the second factor),
scoped like the pages, and every write goes through the same services as the form and the upload.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils.functional import empty as lazy_unset
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import CSRFCheck
from rest_framework.decorators import action as drf_action
from rest_framework.fields import empty
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from g287 import inputs
from g287.operations import deadlines as dl
from g287.personnel.facts import FactsError
from g287.personnel.facts import load as load_facts
from g287.operations.models import Action, ActionReference, Obligation
from g287.operations.services import ActionInput, fulfil_reported, record_reported
from g287.operations.visibility import visible_actions
from g287.personnel.models import Officer
from g287.policy.facts import ACTION_FACTS, FACT_NAMES, ActionFact
from g287.registry.models import Agreement


def ping(request):
    """A trivial JSON view: the ceiling the API benchmark compares recording with."""
    return JsonResponse({"ok": True})


class SeesDeadlines(permissions.BasePermission):
    """Deadlines (``/api/deadlines/``, ``/api/obligations/``) for the same readers as the deadline page."""

    message = "deadlines are the agencies' and ICE's operational data"

    def has_permission(self, request, view):
        return dl.may_see_deadlines(request.user)


class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    citation = serializers.CharField()


class ObligationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = ["id", "action", "code", "message", "citation", "due", "due_local", "fulfilled_at"]


class ActionSerializer(serializers.ModelSerializer):
    agency = serializers.IntegerField(source="agreement.agency_id", read_only=True)
    officer_reference = serializers.CharField(source="officer.reference", read_only=True)
    decision = serializers.SerializerMethodField()
    violations = ViolationSerializer(many=True, read_only=True)
    obligations = ObligationSerializer(many=True, read_only=True)
    external_ref = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "agency", "officer", "officer_reference", "agreement", "at", "local_date", "local_time",
                  *FACT_NAMES, "decision", "allowed", "flagged_for_review", "violations", "obligations", "recorded",
                  "external_ref"]

    def get_decision(self, obj) -> str:
        return "allow" if obj.allowed else "deny"

    def get_external_ref(self, obj) -> str:
        try:
            return obj.reference.external_ref
        except ActionReference.DoesNotExist:  # reported without a reference
            return ""


def _input_field(f: ActionFact) -> serializers.Field:
    """The API's field for one of an action's facts, from its declaration."""
    text = {"help_text": f.help} if f.help else {}
    if f.type is bool:
        return serializers.BooleanField(default=f.default, **text)
    if f.choices:
        if f.required:
            return serializers.ChoiceField(choices=list(f.choices), **text)
        blank = {"required": False, "allow_blank": True} if f.default == "" else {}
        return serializers.ChoiceField(choices=list(f.choices), default=f.default, **blank, **text)
    return serializers.CharField(max_length=f.max_length, required=False, allow_blank=True, default=f.default, **text)


class ActionInputSerializer(serializers.Serializer):
    """An action as reported: the officer, the agreement, ``at`` (without an offset, the agency's local wall time),
    the action's facts as declared (``g287.policy.facts.ACTION_FACTS``) and the reporter's reference."""

    officer = serializers.IntegerField()
    agreement = serializers.IntegerField()
    at = serializers.CharField(help_text="ISO date-time; without an offset it is the agency's local wall time")
    locals().update({f.name: _input_field(f) for f in ACTION_FACTS})  # the class body's namespace: fields
    external_ref = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    def validate_at(self, value):
        try:
            return inputs.moment(value, "at")
        except inputs.InputError as exc:
            raise serializers.ValidationError(exc.message) from None


_DATETIME = serializers.DateTimeField()  # the serializers' own formatting of instants, in the site's zone
_DATE = serializers.DateField()
_TIME = serializers.TimeField()


def _created_payload(row: Action, external_ref: str) -> dict:
    """``ActionSerializer``'s representation of an action just stored, built from the inserted rows.

    The same fields and formats (a test compares the two on stored actions); building a model serializer
    per request costs more than recording the action does."""
    dt = _DATETIME.to_representation
    out = {
        "id": row.pk, "agency": row.agreement.agency_id, "officer": row.officer_id,
        "officer_reference": row.officer.reference, "agreement": row.agreement_id,
        "at": dt(row.at), "local_date": _DATE.to_representation(row.local_date),
        "local_time": _TIME.to_representation(row.local_time)}
    for name in FACT_NAMES:
        out[name] = getattr(row, name)
    out.update({
        "decision": "allow" if row.allowed else "deny", "allowed": row.allowed,
        "flagged_for_review": row.flagged_for_review,
        "violations": [{"code": v.code, "message": v.message, "citation": v.citation}
                       for v in row._prefetched_objects_cache["violations"]],
        "obligations": [{"id": o.pk, "action": row.pk, "code": o.code, "message": o.message, "citation": o.citation,
                         "due": dt(o.due), "due_local": o.due_local,
                         "fulfilled_at": None if o.fulfilled_at is None else dt(o.fulfilled_at)}
                        for o in row._prefetched_objects_cache["obligations"]],
        "recorded": dt(row.recorded), "external_ref": external_ref,
    })
    return out


# The declared facts by kind: choices (with "" where a fact may be left empty), yes/no, and short text.
_FAST_CHOICES = {f.name: frozenset(f.values) | ({""} if f.default == "" else frozenset())
                 for f in ACTION_FACTS if f.choices}
_FAST_BOOLS = tuple(f.name for f in ACTION_FACTS if f.type is bool)
_FAST_TEXT = tuple(f.name for f in ACTION_FACTS if f.type is str and not f.choices) + ("external_ref",)


@lru_cache(maxsize=1)
def _fast_defaults() -> dict:
    """The serializer's defaults of the optional fields."""
    return {name: str(field.default) if isinstance(field.default, str) else field.default  # plain str, not enum
            for name, field in ActionInputSerializer._declared_fields.items() if field.default is not empty}


def _fast_input(data) -> dict | None:
    """``ActionInputSerializer``'s validated data for a well-typed JSON body, or None to let the serializer
    decide (and word any error). Only input the serializer takes unchanged is accepted here: whole numbers,
    listed choices, true/false, short text without NUL characters, an ISO date-time; absent fields get the
    serializer's defaults. A test holds the two to the same answers."""
    if type(data) is not dict:
        return None
    out = {}
    for name in ("officer", "agreement"):
        if type(data.get(name)) is not int:
            return None
        out[name] = data[name]
    defaults = _fast_defaults()
    for name, allowed in _FAST_CHOICES.items():
        value = data.get(name, defaults.get(name))
        if type(value) is not str or value not in allowed:
            return None
        out[name] = value
    for name in _FAST_BOOLS:
        value = data.get(name, defaults[name])
        if type(value) is not bool:
            return None
        out[name] = value
    for name in _FAST_TEXT:
        value = data.get(name, defaults[name])
        if type(value) is not str or "\x00" in value:
            return None
        value = value.strip()
        if len(value) > 64:
            return None
        out[name] = value
    at = data.get("at")
    if type(at) is not str:
        return None
    try:
        out["at"] = inputs.moment(at, "at")
    except inputs.InputError:
        return None
    return out


def _concrete(user):
    """The signed-in user itself rather than Django's lazy stand-in, whose every attribute read goes through a
    proxy (authentication has already loaded it)."""
    wrapped = getattr(user, "_wrapped", None)
    return user if wrapped is None or wrapped is lazy_unset else wrapped


_JSON_ACCEPTS = ("", "*/*", "application/json")


def _record(user, d: dict):
    """The one write of ``POST /api/actions/``, whichever path answers: the officer, the agreement and their
    facts read once, then the action recorded. ``d`` is validated input; returns (Recorded, external_ref).
    Raises the model's DoesNotExist, FactsError, PermissionDenied or ValidationError, with nothing written."""
    d = dict(d)
    officer_id, agreement_id, ref = d.pop("officer"), d.pop("agreement"), d.pop("external_ref")
    officer, agreement, facts = load_facts(officer_id, agreement_id)
    return record_reported(user, officer, agreement, ActionInput(**d), ref, facts=facts), ref.strip()


def _record_directly(request):
    """``create``'s answer to a new action in the common case, or None to let DRF answer. Nothing is written
    unless the answer is given here; DRF's own checks apply first: a session user, DRF's CSRF check."""
    if request.content_type != "application/json" or request.headers.get("Accept", "") not in _JSON_ACCEPTS:
        return None
    user = _concrete(request.user)
    if not user.is_authenticated or not user.is_active:
        return None
    csrf = CSRFCheck(lambda req: None)
    csrf.process_request(request)  # populates request.META["CSRF_COOKIE"]
    if csrf.process_view(request, None, (), {}) is not None:
        return None
    try:
        d = _fast_input(json.loads(request.body))
    except ValueError:
        return None
    if d is None:
        return None
    try:
        done, ref = _record(user, d)
    except (Officer.DoesNotExist, Agreement.DoesNotExist, FactsError, PermissionDenied, ValidationError):
        return None  # refused before anything was written: DRF words the error
    if not done.created:
        return None  # a repeated reference: the stored action, as DRF reads it back
    body = json.dumps(_created_payload(done.action, ref), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body.encode(), status=status.HTTP_201_CREATED, content_type="application/json")
    response["Vary"] = "Accept"
    return response


def _scoped_actions(user):
    qs = Action.objects.select_related("officer", "agreement", "reference").prefetch_related(
        "violations", "obligations")
    return visible_actions(user, qs).order_by("-local_date", "-local_time", "-id")


class ActionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Actions the signed-in user may see (an officer: their own), newest first. ``POST`` records one:
    LEA coordinators for their agency's officers, an officer for themselves. A denied action is recorded
    too, flagged for review. The same ``external_ref`` with the same facts returns the stored action (200)."""

    serializer_class = ActionSerializer
    filterset_fields = ["function", "allowed", "flagged_for_review", "officer", "agreement"]

    def get_queryset(self):
        return _scoped_actions(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        # The common case of recording (a signed-in JSON client, a well-typed body, a new action) is answered
        # without DRF's request cycle, which costs about as much as recording; anything else, every error
        # included, is DRF's as before, so the answers are the same (tests compare both paths).
        if request.method == "POST" and self.action_map.get("post") == "create":
            response = _record_directly(request)
            if response is not None:
                response["Allow"] = ", ".join(self.allowed_methods)
                return response
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(request=ActionInputSerializer, responses={201: ActionSerializer, 200: ActionSerializer})
    def create(self, request, *args, **kwargs):
        d = _fast_input(request.data)
        if d is None:
            data = ActionInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            d = dict(data.validated_data)
        try:  # the service's own refusals go to g287.web.api.exception_handler as they are
            done, ref = _record(_concrete(request.user), d)
        except Officer.DoesNotExist:
            raise ValidationError({"officer": [f"no officer {d['officer']}"]}) from None
        except Agreement.DoesNotExist:
            raise ValidationError({"agreement": [f"no agreement {d['agreement']}"]}) from None
        except FactsError as exc:
            raise ValidationError({"agreement": [str(exc)]}) from None
        if done.created:  # the stored rows are at hand: no need to read them back
            return Response(_created_payload(done.action, ref), status=status.HTTP_201_CREATED)
        return Response(ActionSerializer(_scoped_actions(request.user).get(pk=done.action.pk)).data)


class ObligationViewSet(viewsets.ReadOnlyModelViewSet):
    """Obligations of the actions the user may see, soonest due first; ``overdue_as_of`` lists those overdue
    at that moment. ``POST …/fulfil/`` marks one fulfilled (now, or at ``fulfilled_at``)."""

    serializer_class = ObligationSerializer
    permission_classes = [permissions.IsAuthenticated, SeesDeadlines]

    def get_queryset(self):
        qs = Obligation.objects.filter(action__in=visible_actions(self.request.user).values("pk"))
        params = self.request.query_params
        if params.get("overdue_as_of"):
            moment = inputs.moment_param(params, "overdue_as_of")
            qs = qs.filter(dl._overdue_q(moment), action__at__lte=moment)
        return qs.order_by("due", "id")

    @extend_schema(parameters=[OpenApiParameter("overdue_as_of", str, description="ISO date-time")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=ObligationSerializer)
    @drf_action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        ob = self.get_object()
        at = None
        if request.data.get("fulfilled_at"):
            at = inputs.aware(inputs.moment(request.data["fulfilled_at"], "fulfilled_at"))
        ob = fulfil_reported(request.user, ob, at)  # a refusal: g287.web.api.exception_handler answers it
        return Response(ObligationSerializer(ob).data)


class DeadlineView(APIView):
    """Every deadline the user may see — of actions and of complaints — as of a moment, with its status."""

    permission_classes = [permissions.IsAuthenticated, SeesDeadlines]

    @extend_schema(parameters=[OpenApiParameter("as_of", str), OpenApiParameter("overdue", bool)],
                   responses={200: dict})
    def get(self, request):
        as_of = inputs.moment_param(request.query_params)
        rows = dl.deadlines(request.user, as_of, overdue=request.query_params.get("overdue") in ("1", "true", "yes"))
        return Response({"as_of": as_of, "results": [{
            "kind": d.kind, "id": d.id, "code": d.code, "message": d.message, "due": d.due, "due_local": d.due_local,
            "fulfilled_at": d.fulfilled_at, "status": d.status(as_of), "agency": d.agency_id,
            "source": d.source_id} for d in rows]})


router = SimpleRouter()
router.register("actions", ActionViewSet, basename="action")
router.register("obligations", ObligationViewSet, basename="obligation")
