"""The delegated-authority engine: pure Python, imports nothing from Django.

``evaluate(facts, action)`` answers whether an officer, on a day, under an agreement, was allowed to
perform a function on a person, with every violated rule and the obligations an allowed action creates.
"""

from g287.policy.facts import (  # noqa: F401
    Action,
    AgreementFacts,
    Authorization,
    Decision,
    Facts,
    Obligation,
    OfficerFacts,
    Subject,
    Suspension,
    Termination,
    Training,
    Violation,
)
