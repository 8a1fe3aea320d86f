"""The policy package's names load on first use, and only its own names exist."""

import pytest

import g287.policy as policy


def test_names_load_on_first_use_and_unknown_ones_are_refused():
    assert policy.evaluate is policy.engine.evaluate
    assert {"evaluate", "ruleset", "notify_ice_due", "Facts"} <= set(dir(policy))
    with pytest.raises(AttributeError, match="no attribute 'not_a_rule'"):
        policy.not_a_rule  # noqa: B018
