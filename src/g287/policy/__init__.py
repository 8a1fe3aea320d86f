"""The delegated-authority engine: pure Python, imports nothing from Django.

``evaluate(facts, action)`` answers whether an officer, on a day, under an agreement, was allowed to
perform a function on a person, with every violated rule and the obligations an allowed action creates.
The rules per (model, MOA template) are data files in ``rules/``; ``rule_tables`` and
``notice_effective`` expose them to a set-based auditor.
"""

from g287.policy.clock import (  # noqa: F401
    add_weekday_hours,
    add_years,
    notify_ice_due,
    resolution_report_due,
)
from g287.policy.engine import (  # noqa: F401
    agreement_state,
    authorization_status,
    evaluate,
    exams_passed,
    obligation_due,
)
from g287.policy.facts import (  # noqa: F401
    FUNCTIONS,
    TEMPLATES,
    Action,
    AgreementFacts,
    Authorization,
    BackgroundCheck,
    CriminalCharge,
    Decision,
    Facts,
    Location,
    Model,
    Obligation,
    OfficerFacts,
    Party,
    Subject,
    Suspension,
    Termination,
    Training,
    Violation,
)
from g287.policy.rules import (  # noqa: F401
    OBLIGATION_CODES,
    VIOLATION_CODES,
    RuleSet,
    RulesError,
    UnknownRuleSet,
    notice_effective,
    rule_tables,
    ruleset,
    valid_pairs,
)
