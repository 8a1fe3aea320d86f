"""The facts the engine decides on, and what it answers.

Plain frozen dataclasses with explicit dates: the database layer, the scenario runner and the bulk
auditor all build these, so there is one shape of "what was true" and one answer to "was it allowed".
Codes are the stable strings of rules.md sections 4–6.
"""

from __future__ import annotations

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
