"""The facts the engine decides on, and what it answers.

Plain frozen dataclasses with explicit dates: the database layer, the scenario runner and the bulk
auditor all build these, so there is one shape of "what was true" and one answer to "was it allowed".
Codes are the stable strings of rules.md sections 4–6.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Model(StrEnum):
    JEM = "JEM"
    WSO = "WSO"
    TFM = "TFM"
    HYBRID = "HYBRID"


class Party(StrEnum):
    ICE = "ICE"
    LEA = "LEA"


class Location(StrEnum):
    LEA_FACILITY = "lea_facility"
    FIELD = "field"


class CriminalCharge(StrEnum):
    CONVICTED = "convicted"
    PENDING = "pending"
    NONE = "none"


class ChargeLevel(StrEnum):
    FELONY = "felony"
    MISDEMEANOR = "misdemeanor"
    INFRACTION = "infraction"


class BackgroundCheck(StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    DENIED = "denied"


TEMPLATES = ("2009", "2013", "2016", "2019", "2020", "2025")
FUNCTIONS = (
    "interview",
    "screen",
    "process",
    "issue_detainer",
    "prepare_i213",
    "prepare_charging_document",
    "serve_arrest_warrant",
    "serve_removal_warrant",
    "warrantless_arrest",
    "detain_transport",
    "execute_search_warrant",
)


@dataclass(frozen=True)
class Suspension:
    by: Party
    notice: date
    exigent: bool = False
    lifted: date | None = None


@dataclass(frozen=True)
class Termination:
    by: Party
    notice: date
    exigent: bool = False


@dataclass(frozen=True)
class AgreementFacts:
    id: str
    agency_id: str
    model: Model
    template: str  # one of TEMPLATES
    signed: date
    expires: date | None = None
    suspensions: tuple[Suspension, ...] = ()
    terminations: tuple[Termination, ...] = ()
    detention_agreement: bool = False  # the agency's reimbursable detention agreement (IGSA)


@dataclass(frozen=True)
class Training:
    course: str  # "basic" | "refresher"
    model: Model
    completed: date
    exams: tuple[int, ...] = ()


@dataclass(frozen=True)
class Authorization:
    agreement_id: str
    granted: date
    revoked: date | None = None


@dataclass(frozen=True)
class OfficerFacts:
    id: str
    agency_id: str
    us_citizen: bool = True
    background_check: BackgroundCheck = BackgroundCheck.APPROVED
    lea_experience_years: float = 5
    trainings: tuple[Training, ...] = ()
    authorizations: tuple[Authorization, ...] = ()


@dataclass(frozen=True)
class Subject:
    in_lea_custody: bool = True
    criminal_charge: CriminalCharge = CriminalCharge.PENDING
    ice_designated: bool = False
    usc_claim: bool = False


@dataclass(frozen=True)
class Action:
    function: str  # one of FUNCTIONS
    at: datetime  # naive local time of the agency
    location: Location = Location.LEA_FACILITY
    subject: Subject = field(default_factory=Subject)
    warrant_signed_by_ice: bool = True
    reason_to_believe: bool = False
    likely_to_escape: bool = False


# --- An action's facts, declared once ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFact:
    """One fact of an action as reported, declared once. Everything else is derived from ``ACTION_FACTS``: the
    engine's input (``engine_action``), the stored columns (``operations.models.Action``), the recording service's
    input and audit record (``operations.services``), the form (``operations.forms``), the API's serializers and
    its fast parser (``operations.api``), and the CSV columns with their documentation (``operations.uploads``).
    Adding a fact is adding a line here (and a migration for its column)."""

    name: str
    type: type  # bool, str, or the enumeration of the allowed values (what the engine is given)
    default: object  # None: the fact is required
    label: str  # the question the form asks
    help: str = ""  # the form's hint, also in the CSV documentation and the API's schema
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) of each allowed value; empty: free text
    blank_label: str = ""  # a choice that may be left empty: what the form calls "not stated"
    max_length: int = 0  # the stored text's length
    engine: str = ""  # where the engine reads it: "action", "subject", or "" (kept and measured, not decided on)
    aliases: tuple[tuple[str, str], ...] = ()  # further words a CSV row may use for a value: (word, code)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.choices)

    @property
    def required(self) -> bool:
        return self.default is None


def _labelled(enum, labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((m.value, labels[m.value]) for m in enum)


ACTION_FACTS: tuple[ActionFact, ...] = (
    ActionFact("function", str, None, "Function performed", choices=tuple((f, f.replace("_", " ")) for f in FUNCTIONS),
               max_length=32, engine="action"),
    ActionFact("location", Location, Location.LEA_FACILITY.value, "Where",
               choices=_labelled(Location, {"lea_facility": "Inside the agency's jail or correctional facility",
                                            "field": "In the field"}),
               max_length=12, engine="action", aliases=(("jail", Location.LEA_FACILITY.value),)),
    ActionFact("subject_ref", str, "", "Subject reference", "The agency's opaque booking or case number. No names.",
               max_length=64),
    ActionFact("in_lea_custody", bool, True, "The subject was in the agency's custody", engine="subject"),
    ActionFact("criminal_charge", CriminalCharge, CriminalCharge.PENDING.value, "Criminal charge status",
               choices=_labelled(CriminalCharge, {"convicted": "Convicted", "pending": "Charge pending",
                                                  "none": "No criminal charge"}),
               max_length=9, engine="subject"),
    # The most serious charge (GAO-09-109 found authority used for minor offenses); measured, not a rule.
    ActionFact("charge_level", ChargeLevel, "", "Most serious charge",
               choices=_labelled(ChargeLevel, {"felony": "Felony", "misdemeanor": "Misdemeanor",
                                               "infraction": "Infraction (e.g. traffic)"}),
               blank_label="Not stated", max_length=11),
    ActionFact("ice_designated", bool, False, "ICE designated the subject (e.g. a detainer or warrant)",
               engine="subject"),
    ActionFact("usc_claim", bool, False, "The subject claimed U.S. citizenship", engine="subject"),
    ActionFact("warrant_signed_by_ice", bool, True, "The warrant was signed by an ICE officer", engine="action"),
    ActionFact("reason_to_believe", bool, False,
               "Warrantless arrest: reason to believe the person is removable", engine="action"),
    ActionFact("likely_to_escape", bool, False,
               "Warrantless arrest: likely to escape before a warrant can be obtained", engine="action"),
)
ACTION_FACT = {f.name: f for f in ACTION_FACTS}
FACT_NAMES = tuple(f.name for f in ACTION_FACTS)


def engine_action(source, at: datetime) -> "Action":
    """The engine's input for an action whose facts ``source`` holds by name (attributes, or a mapping), at the
    agency's local wall time ``at``."""
    get = source.get if isinstance(source, Mapping) else source.__getattribute__
    action, subject = {}, {}
    for f in ACTION_FACTS:
        if f.engine:
            value = get(f.name)
            (action if f.engine == "action" else subject)[f.name] = value if f.type in (bool, str) else f.type(value)
    return Action(at=at, subject=Subject(**subject), **action)


def fact_values(action: "Action") -> dict:
    """The facts of an engine input by name, as stored (the facts it does not hold take their defaults)."""
    out = {}
    for f in ACTION_FACTS:
        value = f.default
        if f.engine:
            value = getattr(action if f.engine == "action" else action.subject, f.name)
        out[f.name] = str(value) if isinstance(value, StrEnum) else value
    return out


@dataclass(frozen=True)
class Facts:
    """Everything the engine needs to decide one action."""

    agreement: AgreementFacts
    officer: OfficerFacts


@dataclass(frozen=True)
class Violation:
    code: str
    message: str  # a plain-language sentence
    citation: str  # the MOA clause or brief passage the rule rests on


@dataclass(frozen=True)
class Obligation:
    code: str
    due: datetime  # naive local time of the agency
    message: str
    citation: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    violations: tuple[Violation, ...] = ()
    obligations: tuple[Obligation, ...] = ()

    @property
    def decision(self) -> str:
        return "allow" if self.allowed else "deny"

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(v.code for v in self.violations)
