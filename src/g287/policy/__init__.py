"""The delegated-authority engine: pure Python, imports nothing from Django.

``evaluate(facts, action)`` answers whether an officer, on a day, under an agreement, was allowed to
perform a function on a person, with every violated rule and the obligations an allowed action creates.
The rules per (model, MOA template) are data files in ``rules/``; ``rule_tables`` and
``notice_effective`` expose them to a set-based auditor.

Its names are loaded on first use (PEP 562): ``g287.policy.facts`` alone is what Django's start needs (the apps'
choices), and compiling every rules file at import would cost each command — an import of one ICE list too —
a noticeable part of its run.
"""

from importlib import import_module

_EXPORTS = {
    "clock": ("add_weekday_hours", "add_years", "notify_ice_due", "resolution_report_due"),
    "engine": ("agreement_state", "authorization_status", "evaluate", "exams_passed", "obligation_due"),
    "facts": ("FUNCTIONS", "TEMPLATES", "Action", "AgreementFacts", "Authorization", "BackgroundCheck",
              "CriminalCharge", "Decision", "Facts", "Location", "Model", "Obligation", "OfficerFacts", "Party",
              "Subject", "Suspension", "Termination", "Training", "Violation"),
    "rules": ("OBLIGATION_CODES", "VIOLATION_CODES", "RuleSet", "RulesError", "UnknownRuleSet", "notice_effective",
              "rule_tables", "ruleset", "valid_pairs"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
