"""The rules per (model, MOA template), loaded once from the YAML files in ``rules/`` and validated.

Each (model, template) pair becomes a :class:`RuleSet`: plain tables (a frozenset of delegated
functions, flags, day offsets, obligation rules, prebuilt violations) that ``evaluate`` reads without
further work, and that a set-based auditor can turn into SQL or columnar expressions
(:func:`rule_tables`, :func:`notice_effective`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from g287.policy.facts import FUNCTIONS, TEMPLATES, Model, Party, Violation

VIOLATION_CODES = (
    "FUNCTION_NOT_DELEGATED",
    "OUTSIDE_AUTHORIZED_LOCATION",
    "SUBJECT_NOT_IN_LEA_CUSTODY",
    "SUBJECT_NO_CRIMINAL_CHARGE",
    "SUBJECT_NOT_DESIGNATED_BY_ICE",
    "WARRANT_NOT_SIGNED",
    "WARRANTLESS_ARREST_CONDITIONS_NOT_MET",
    "AGREEMENT_NOT_YET_EFFECTIVE",
    "AGREEMENT_EXPIRED",
    "AGREEMENT_SUSPENDED",
    "AGREEMENT_TERMINATED",
    "OFFICER_INELIGIBLE",
    "TRAINING_INCOMPLETE",
    "TRAINING_LAPSED",
    "OFFICER_NOT_AUTHORIZED",
    "AUTHORIZATION_EXPIRED",
)
ACTION_OBLIGATION_CODES = (
    "NOTIFY_ICE_OF_DETAINER",
    "REPORT_USC_CLAIM",
    "NOTIFY_ICE_OF_WARRANT_SERVICE",
    "TRANSFER_OR_RELEASE",
    "TRANSPORT_TO_ICE",
)
COMPLAINT_OBLIGATION_CODES = ("NOTIFY_ICE_OF_COMPLAINT", "REPORT_COMPLAINT_RESOLUTION")
OBLIGATION_CODES = ACTION_OBLIGATION_CODES + COMPLAINT_OBLIGATION_CODES
WARRANT_FUNCTIONS = frozenset({"serve_arrest_warrant", "serve_removal_warrant"})
LEGACY_TEMPLATES = frozenset({"2009", "2013", "2016"})

NoticeKind = Literal["suspension", "termination"]


class RulesError(ValueError):
    """A rules file is wrong, or a (model, template) pair has no rules."""


class UnknownRuleSet(RulesError, LookupError):
    """No rules for this (model, template) pair: the model was never signed on that template."""


# --- the schema of the rules files -------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _PartyDays(_Strict):
    ICE: int = Field(ge=0)
    LEA: int = Field(ge=0)


class _Notice(_Strict):
    suspension: _PartyDays
    termination: _PartyDays
    exigent: int | None = Field(default=None, ge=0)


class _ObligationRule(_Strict):
    code: str
    functions: tuple[str, ...] | None = None  # None: any function
    when_usc_claim: bool = False
    unless_detention_agreement: bool = False
    due_hours: int | None = Field(default=None, ge=0)
    due_end_of_day: bool = False

    @field_validator("code")
    @classmethod
    def _known_code(cls, v: str) -> str:
        if v not in ACTION_OBLIGATION_CODES:
            raise ValueError(f"unknown obligation code {v!r}")
        return v

    @field_validator("functions")
    @classmethod
    def _known_functions(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for f in v or ():
            if f not in FUNCTIONS:
                raise ValueError(f"unknown function {f!r}")
        return v

    @model_validator(mode="after")
    def _one_due(self) -> _ObligationRule:
        if (self.due_hours is None) == (not self.due_end_of_day):
            raise ValueError("give exactly one of due_hours and due_end_of_day")
        return self


class _TemplateRules(_Strict):
    moa: str
    functions: tuple[str, ...]
    facility_only: bool
    requires_criminal_charge: bool
    requires_ice_designation: bool
    fixed_term: bool
    expired_after: date | None
    min_lea_experience_years: float = Field(ge=0)
    refresher_years: int | None = Field(ge=1)
    authorization_term_years: int | None = Field(ge=1)
    notice: _Notice
    obligations: tuple[_ObligationRule, ...]
    citations: dict[str, str]

    @field_validator("functions")
    @classmethod
    def _known_functions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for f in v:
            if f not in FUNCTIONS:
                raise ValueError(f"unknown function {f!r}")
        return v

    @field_validator("citations")
    @classmethod
    def _known_codes(cls, v: dict[str, str]) -> dict[str, str]:
        for code in v:
            if code not in VIOLATION_CODES and code not in OBLIGATION_CODES:
                raise ValueError(f"citation for an unknown code {code!r}")
        return v


class _ModelRules(_Strict):
    model: Model
    basic_course_models: tuple[Model, ...]
    templates: dict[str, _TemplateRules]

    @field_validator("templates")
    @classmethod
    def _known_templates(cls, v: dict[str, _TemplateRules]) -> dict[str, _TemplateRules]:
        for t in v:
            if t not in TEMPLATES:
                raise ValueError(f"unknown MOA template {t!r}")
        return v


class _Codes(_Strict):
    functions: dict[str, str]
    violations: dict[str, str]
    obligations: dict[str, str]

    @model_validator(mode="after")
    def _complete(self) -> _Codes:
        for name, have, want in (
            ("functions", self.functions, FUNCTIONS),
            ("violations", self.violations, VIOLATION_CODES),
            ("obligations", self.obligations, OBLIGATION_CODES),
        ):
            if set(have) != set(want):
                raise ValueError(f"{name}: expected exactly {sorted(want)}, got {sorted(have)}")
        return self


# --- the compiled tables -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObligationRule:
    code: str
    functions: frozenset[str] | None  # None: any function
    when_usc_claim: bool
    unless_detention_agreement: bool
    due: timedelta | None  # None: 23:59 of the action's day
    message: str
    citation: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules in force for agreements of one model on one MOA template."""

    model: Model
    template: str
    moa: str  # how citations name the template
    functions: frozenset[str]
    facility_only: bool
    requires_criminal_charge: bool
    requires_ice_designation: bool
    fixed_term: bool  # an `expires` date on the agreement counts
    expired_after: date | None  # every agreement on this template is expired after this day
    min_lea_experience_years: float
    basic_course_models: frozenset[Model]
    refresher_years: int | None  # training currency (JEM); None: no currency rule
    authorization_term_years: int | None  # None: authorizations do not expire by time
    notice_days: dict[tuple[str, str], int]  # (kind, party) -> days from notice to effect
    exigent_days: int | None  # an exigent notice takes effect after this many days; None: no effect
    obligations: tuple[ObligationRule, ...]
    obligations_by_function: dict[str, tuple[ObligationRule, ...]]
    violations: dict[str, Violation]  # code -> the prebuilt violation
    not_delegated: dict[str, Violation]  # function -> FUNCTION_NOT_DELEGATED naming it
    citations: dict[str, str]

    def effective(self, kind: str, by: str, notice: date, exigent: bool = False) -> date:
        """The day a suspension or termination notice takes effect under this template."""
        if exigent and self.exigent_days is not None:
            return notice + timedelta(days=self.exigent_days)
        return notice + timedelta(days=self.notice_days[(kind, by)])

    def as_dict(self) -> dict[str, Any]:
        """The tables as plain data (for a set-based auditor, reports, the API)."""
        return {
            "model": str(self.model),
            "template": self.template,
            "moa": self.moa,
            "functions": sorted(self.functions),
            "facility_only": self.facility_only,
            "requires_criminal_charge": self.requires_criminal_charge,
            "requires_ice_designation": self.requires_ice_designation,
            "fixed_term": self.fixed_term,
            "expired_after": self.expired_after,
            "min_lea_experience_years": self.min_lea_experience_years,
            "basic_course_models": sorted(str(m) for m in self.basic_course_models),
            "refresher_years": self.refresher_years,
            "authorization_term_years": self.authorization_term_years,
            "notice_days": {f"{k}:{p}": v for (k, p), v in sorted(self.notice_days.items())},
            "exigent_days": self.exigent_days,
            "obligations": [
                {
                    "code": o.code,
                    "functions": sorted(o.functions) if o.functions is not None else None,
                    "when_usc_claim": o.when_usc_claim,
                    "unless_detention_agreement": o.unless_detention_agreement,
                    "due_hours": None if o.due is None else o.due.total_seconds() / 3600,
                    "due_end_of_day": o.due is None,
                }
                for o in self.obligations
            ],
            "citations": dict(self.citations),
        }


def _possible_violations(t: _TemplateRules) -> set[str]:
    """The codes a rule set can raise, so that each has a citation."""
    codes = {
        "FUNCTION_NOT_DELEGATED",
        "WARRANT_NOT_SIGNED",
        "WARRANTLESS_ARREST_CONDITIONS_NOT_MET",
        "AGREEMENT_NOT_YET_EFFECTIVE",
        "AGREEMENT_SUSPENDED",
        "AGREEMENT_TERMINATED",
        "OFFICER_INELIGIBLE",
        "TRAINING_INCOMPLETE",
        "OFFICER_NOT_AUTHORIZED",
    }
    if t.facility_only:
        codes |= {"OUTSIDE_AUTHORIZED_LOCATION", "SUBJECT_NOT_IN_LEA_CUSTODY"}
    if t.requires_criminal_charge:
        codes.add("SUBJECT_NO_CRIMINAL_CHARGE")
    if t.requires_ice_designation:
        codes.add("SUBJECT_NOT_DESIGNATED_BY_ICE")
    if t.fixed_term or t.expired_after is not None:
        codes.add("AGREEMENT_EXPIRED")
    if t.refresher_years is not None:
        codes.add("TRAINING_LAPSED")
    if t.authorization_term_years is not None:
        codes.add("AUTHORIZATION_EXPIRED")
    return codes


def _compile(model: _ModelRules, template: str, t: _TemplateRules, codes: _Codes) -> RuleSet:
    where = f"{model.model} {template}"
    needed = _possible_violations(t) | {o.code for o in t.obligations} | set(COMPLAINT_OBLIGATION_CODES)
    missing = sorted(needed - set(t.citations))
    if missing:
        raise RulesError(f"rules for {where}: no citation for {', '.join(missing)}")
    citations = {code: text.replace("{moa}", t.moa) for code, text in t.citations.items()}
    experience = (
        f", at least {t.min_lea_experience_years:g} years of LEA experience" if t.min_lea_experience_years else ""
    )
    fmt = {"model": str(model.model), "template": template, "experience": experience}
    violations = {
        code: Violation(code, codes.violations[code].format(function_cap="", **fmt), citations[code])
        for code in VIOLATION_CODES
        if code in citations and code != "FUNCTION_NOT_DELEGATED"
    }
    not_delegated = {
        f: Violation(
            "FUNCTION_NOT_DELEGATED",
            codes.violations["FUNCTION_NOT_DELEGATED"].format(function_cap=codes.functions[f].capitalize(), **fmt),
            citations["FUNCTION_NOT_DELEGATED"],
        )
        for f in FUNCTIONS
    }
    obligations = tuple(
        ObligationRule(
            code=o.code,
            functions=frozenset(o.functions) if o.functions is not None else None,
            when_usc_claim=o.when_usc_claim,
            unless_detention_agreement=o.unless_detention_agreement,
            due=None if o.due_end_of_day else timedelta(hours=o.due_hours or 0),
            message=codes.obligations[o.code],
            citation=citations[o.code],
        )
        for o in t.obligations
    )
    return RuleSet(
        model=model.model,
        template=template,
        moa=t.moa,
        functions=frozenset(t.functions),
        facility_only=t.facility_only,
        requires_criminal_charge=t.requires_criminal_charge,
        requires_ice_designation=t.requires_ice_designation,
        fixed_term=t.fixed_term,
        expired_after=t.expired_after,
        min_lea_experience_years=t.min_lea_experience_years,
        basic_course_models=frozenset(model.basic_course_models),
        refresher_years=t.refresher_years,
        authorization_term_years=t.authorization_term_years,
        notice_days={
            (kind, party): getattr(getattr(t.notice, kind), party)
            for kind in ("suspension", "termination")
            for party in ("ICE", "LEA")
        },
        exigent_days=t.notice.exigent,
        obligations=obligations,
        obligations_by_function={
            f: tuple(o for o in obligations if o.functions is None or f in o.functions) for f in FUNCTIONS
        },
        violations=violations,
        not_delegated=not_delegated,
        citations=citations,
    )


RULE_FILES = ("jem.yaml", "wso.yaml", "tfm.yaml", "hybrid.yaml")


# libyaml's safe loader when PyYAML was built with it (the wheels are): the same documents, parsed in C — the
# rules are read by every process at its start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(name: str) -> Any:
    text = resources.files("g287.policy").joinpath("rules", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 — a safe loader


def _validated(schema: type[BaseModel], name: str, data: Any) -> Any:
    try:
        return schema.model_validate(data)
    except ValidationError as e:
        raise RulesError(f"rules file {name}: {e}") from e


def load_rules(read=_read) -> dict[tuple[Model, str], RuleSet]:
    """Read and validate every rules file; one :class:`RuleSet` per (model, template)."""
    codes = _validated(_Codes, "codes.yaml", read("codes.yaml"))
    rulesets: dict[tuple[Model, str], RuleSet] = {}
    for name in RULE_FILES:
        model = _validated(_ModelRules, name, read(name))
        for template, t in model.templates.items():
            if (model.model, template) in rulesets:
                raise RulesError(f"rules file {name}: {model.model} {template} is defined twice")
            rulesets[(model.model, template)] = _compile(model, template, t, codes)
    return rulesets


RULESETS: dict[tuple[Model, str], RuleSet] = load_rules()
CODES_TEXT = _validated(_Codes, "codes.yaml", _read("codes.yaml"))


def ruleset(model: str, template: str) -> RuleSet:
    """The rules for a (model, template) pair; :class:`UnknownRuleSet` when the pair never existed."""
    try:
        return RULESETS[(model, str(template))]
    except KeyError:
        raise UnknownRuleSet(
            f"no rules for model {str(model)!r} on MOA template {str(template)!r}; valid pairs: "
            + ", ".join(f"{m} {t}" for m, t in sorted(RULESETS))
        ) from None


def valid_pairs() -> list[tuple[str, str]]:
    return sorted((str(m), t) for m, t in RULESETS)


def rule_tables(model: str, template: str) -> dict[str, Any]:
    """The rule tables of a (model, template) as plain data, for a set-based auditor."""
    return ruleset(model, template).as_dict()


def notice_effective(model: str, template: str, kind: NoticeKind, by: Party | str, notice: date, exigent: bool = False) -> date:
    """The day a suspension or termination notice takes effect, by the agreement's template."""
    if kind not in ("suspension", "termination"):
        raise ValueError(f"kind must be 'suspension' or 'termination', not {kind!r}")
    if by not in ("ICE", "LEA"):
        raise ValueError(f"by must be 'ICE' or 'LEA', not {by!r}")
    return ruleset(model, template).effective(kind, str(by), notice, exigent)
