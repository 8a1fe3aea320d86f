"""The conformance scenario format (docs: scenarios.md), parsed and validated into the policy facts.

A file holds ``{scenarios: [...]}``. Each scenario is validated on its own, so one broken scenario is
reported (file, scenario, field) while the others in the same file still run. Defaults are the ones
scenarios.md lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from g287.policy import (
    FUNCTIONS,
    OBLIGATION_CODES,
    VIOLATION_CODES,
    Action,
    AgreementFacts,
    Authorization,
    BackgroundCheck,
    CriminalCharge,
    Facts,
    Location,
    Model,
    OfficerFacts,
    Party,
    Subject,
    Suspension,
    Termination,
    Training,
    UnknownRuleSet,
    ruleset,
)


class _Strict(BaseModel):
    # Unknown keys are errors: a misspelt key (``violation:``) must not silently make a check pass.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _local(v: datetime) -> datetime:
    if v.tzinfo is not None:
        raise ValueError("give the agency's local time without a time zone")
    return v


class AgencyIn(_Strict):
    id: str
    name: str | None = None
    state: str | None = None
    type: str | None = None
    detention_agreement: bool = False


class EventIn(_Strict):
    type: Literal["suspension", "termination"]
    by: Party
    notice: date
    exigent: bool = False
    lifted: date | None = None

    @model_validator(mode="after")
    def _lifted_only_for_suspensions(self) -> EventIn:
        if self.type == "termination" and self.lifted is not None:
            raise ValueError("a termination cannot be lifted (lifted is for suspensions)")
        if self.lifted is not None and self.lifted < self.notice:
            raise ValueError("lifted is before the notice date")
        return self


class AgreementIn(_Strict):
    id: str
    agency: str
    model: Model
    template: str
    signed: date
    expires: date | None = None
    events: list[EventIn] = []

    @field_validator("template", mode="before")
    @classmethod
    def _template_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("template")
    @classmethod
    def _known_pair(cls, v: str, info: ValidationInfo) -> str:
        model = info.data.get("model")
        if model is not None:  # a bad model is reported on its own field
            try:
                ruleset(model, v)
            except UnknownRuleSet as e:
                raise ValueError(str(e)) from None
        return v


class TrainingIn(_Strict):
    course: Literal["basic", "refresher"]
    model: Model
    completed: date
    exams: list[int] = []

    @field_validator("exams")
    @classmethod
    def _scores(cls, v: list[int]) -> list[int]:
        for s in v:
            if not 0 <= s <= 100:
                raise ValueError(f"exam score {s} is not between 0 and 100")
        return v


class AuthorizationIn(_Strict):
    agreement: str
    granted: date
    revoked: date | None = None


class OfficerIn(_Strict):
    id: str
    agency: str
    us_citizen: bool = True
    background_check: BackgroundCheck = BackgroundCheck.APPROVED
    lea_experience_years: float = Field(default=5, ge=0)
    trainings: list[TrainingIn] = []
    authorizations: list[AuthorizationIn] = []


class SubjectIn(_Strict):
    in_lea_custody: bool = True
    criminal_charge: CriminalCharge = CriminalCharge.PENDING
    ice_designated: bool = False
    usc_claim: bool = False


class ConditionsIn(_Strict):
    reason_to_believe: bool = False
    likely_to_escape: bool = False


class ObligationExpect(_Strict):
    code: str
    due: datetime

    @field_validator("due")
    @classmethod
    def _local_due(cls, v: datetime) -> datetime:
        return _local(v)

    @field_validator("code")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in OBLIGATION_CODES:
            raise ValueError(f"unknown obligation code {v!r}")
        return v


class ActionExpect(_Strict):
    decision: Literal["allow", "deny"]
    # None (not given): only the decision is compared; a list: the exact set of codes.
    violations: list[str] | None = None
    obligations: list[ObligationExpect] = []

    @field_validator("violations")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        for code in v or ():
            if code not in VIOLATION_CODES:
                raise ValueError(f"unknown violation code {code!r}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ActionExpect:
        if self.decision == "allow" and self.violations:
            raise ValueError("an allowed action cannot list violations")
        return self


class ActionIn(_Strict):
    id: str
    officer: str
    agreement: str
    function: str
    at: datetime
    location: Location = Location.LEA_FACILITY
    subject: SubjectIn = SubjectIn()
    warrant_signed_by_ice: bool = True
    conditions: ConditionsIn = ConditionsIn()
    expect: ActionExpect

    @field_validator("at")
    @classmethod
    def _local_at(cls, v: datetime) -> datetime:
        return _local(v)

    @field_validator("function")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in FUNCTIONS:
            raise ValueError(f"unknown function {v!r}; expected one of {', '.join(FUNCTIONS)}")
        return v


class ComplaintExpect(_Strict):
    notify_ice_due: datetime | None = None
    resolution_report_due: date | None = None

    @field_validator("notify_ice_due")
    @classmethod
    def _local_due(cls, v: datetime | None) -> datetime | None:
        return v if v is None else _local(v)

    @model_validator(mode="after")
    def _something(self) -> ComplaintExpect:
        if self.notify_ice_due is None and self.resolution_report_due is None:
            raise ValueError("expect notify_ice_due, resolution_report_due or both")
        return self


class ComplaintIn(_Strict):
    id: str
    received: datetime
    resolved: date | None = None
    expect: ComplaintExpect

    @field_validator("received")
    @classmethod
    def _local_received(cls, v: datetime) -> datetime:
        return _local(v)

    @model_validator(mode="after")
    def _resolved_for_report(self) -> ComplaintIn:
        if self.expect.resolution_report_due is not None and self.resolved is None:
            raise ValueError("expect.resolution_report_due needs a resolved date")
        return self


def _unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"{kind} id {i!r} is used twice")
        seen.add(i)


class Scenario(_Strict):
    name: str
    agencies: list[AgencyIn] = []
    agreements: list[AgreementIn] = []
    officers: list[OfficerIn] = []
    actions: list[ActionIn] = []
    complaints: list[ComplaintIn] = []

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        for kind, items in (
            ("agency", self.agencies),
            ("agreement", self.agreements),
            ("officer", self.officers),
            ("action", self.actions),
            ("complaint", self.complaints),
        ):
            _unique(kind, [x.id for x in items])
        agencies = {a.id for a in self.agencies}
        agreements = {a.id for a in self.agreements}
        officers = {o.id for o in self.officers}
        for i, a in enumerate(self.agreements):
            if a.agency not in agencies:
                raise ValueError(f"agreements[{i}].agency: no agency {a.agency!r} in this scenario")
        for i, o in enumerate(self.officers):
            if o.agency not in agencies:
                raise ValueError(f"officers[{i}].agency: no agency {o.agency!r} in this scenario")
            for j, auth in enumerate(o.authorizations):
                if auth.agreement not in agreements:
                    raise ValueError(
                        f"officers[{i}].authorizations[{j}].agreement: no agreement {auth.agreement!r} in this scenario"
                    )
        for i, act in enumerate(self.actions):
            if act.officer not in officers:
                raise ValueError(f"actions[{i}].officer: no officer {act.officer!r} in this scenario")
            if act.agreement not in agreements:
                raise ValueError(f"actions[{i}].agreement: no agreement {act.agreement!r} in this scenario")
        return self

    # --- the policy facts -----------------------------------------------------------------------

    @cached_property
    def agreement_facts(self) -> dict[str, AgreementFacts]:
        detention = {a.id: a.detention_agreement for a in self.agencies}
        return {
            a.id: AgreementFacts(
                id=a.id,
                agency_id=a.agency,
                model=a.model,
                template=a.template,
                signed=a.signed,
                expires=a.expires,
                suspensions=tuple(
                    Suspension(e.by, e.notice, e.exigent, e.lifted) for e in a.events if e.type == "suspension"
                ),
                terminations=tuple(Termination(e.by, e.notice, e.exigent) for e in a.events if e.type == "termination"),
                detention_agreement=detention[a.agency],
            )
            for a in self.agreements
        }

    @cached_property
    def officer_facts(self) -> dict[str, OfficerFacts]:
        return {
            o.id: OfficerFacts(
                id=o.id,
                agency_id=o.agency,
                us_citizen=o.us_citizen,
                background_check=o.background_check,
                lea_experience_years=o.lea_experience_years,
                trainings=tuple(Training(t.course, t.model, t.completed, tuple(t.exams)) for t in o.trainings),
                authorizations=tuple(Authorization(a.agreement, a.granted, a.revoked) for a in o.authorizations),
            )
            for o in self.officers
        }

    def facts_for(self, action: ActionIn) -> tuple[Facts, Action]:
        """The engine's input for one action of this scenario."""
        s = action.subject
        return (
            Facts(self.agreement_facts[action.agreement], self.officer_facts[action.officer]),
            Action(
                function=action.function,
                at=action.at,
                location=action.location,
                subject=Subject(s.in_lea_custody, s.criminal_charge, s.ice_designated, s.usc_claim),
                warrant_signed_by_ice=action.warrant_signed_by_ice,
                reason_to_believe=action.conditions.reason_to_believe,
                likely_to_escape=action.conditions.likely_to_escape,
            ),
        )


@dataclass(frozen=True)
class ScenarioError:
    """A file or scenario that could not be read: what to report, naming file, scenario and field."""

    file: str
    scenario: str
    message: str


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe(e: ValidationError) -> str:
    parts = []
    for err in e.errors():
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field"
        parts.append(f"{_loc(err['loc'])}: {msg}" if err["loc"] else msg)
    return "; ".join(parts)


def load_file(path: Path | str) -> tuple[list[Scenario], list[ScenarioError]]:
    """Read one scenario file: its valid scenarios, and an error for each part that is not."""
    name = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        return [], [ScenarioError(name, "(file)", f"{name}: cannot read the file: {e}")]
    except yaml.YAMLError as e:
        return [], [ScenarioError(name, "(file)", f"{name}: not valid YAML: {e}")]
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        return [], [ScenarioError(name, "(file)", f"{name}: scenarios: the file must hold a mapping with a `scenarios:` list")]
    extra = sorted(str(k) for k in data if k != "scenarios")
    errors = []
    if extra:
        errors.append(ScenarioError(name, "(file)", f"{name}: {', '.join(extra)}: unknown field"))
    scenarios = []
    for i, raw in enumerate(data["scenarios"]):
        label = raw.get("name") if isinstance(raw, dict) and isinstance(raw.get("name"), str) else f"#{i + 1}"
        try:
            scenarios.append(Scenario.model_validate(raw))
        except ValidationError as e:
            errors.append(ScenarioError(name, label, f"{name}: scenario {label!r} (#{i + 1}): {_describe(e)}"))
    return scenarios, errors
