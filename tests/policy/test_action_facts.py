"""An action's facts, declared once (``policy.facts.ACTION_FACTS``), agree with the engine's input."""

from dataclasses import fields
from datetime import datetime
from types import SimpleNamespace

from g287.policy import facts as pf

AT = datetime(2025, 5, 1, 9, 30)


def test_the_declared_facts_are_the_engines_input():
    action = {f.name for f in fields(pf.Action)} - {"at", "subject"}
    subject = {f.name for f in fields(pf.Subject)}
    assert {f.name for f in pf.ACTION_FACTS if f.engine == "action"} == action
    assert {f.name for f in pf.ACTION_FACTS if f.engine == "subject"} == subject
    assert pf.FACT_NAMES == tuple(pf.ACTION_FACT)


def test_defaults_are_allowed_values_and_only_the_function_is_required():
    assert [f.name for f in pf.ACTION_FACTS if f.required] == ["function"]
    assert pf.ACTION_FACT["function"].values == pf.FUNCTIONS
    for f in pf.ACTION_FACTS:
        if f.choices and not f.required:
            assert f.default in f.values or (f.default == "" and f.blank_label), f.name
        if f.type not in (bool, str):  # an enumeration: its values are the allowed ones
            assert set(f.values) == {m.value for m in f.type}, f.name


def test_engine_action_from_a_mapping_or_attributes():
    values = {f.name: f.default for f in pf.ACTION_FACTS} | {"function": "warrantless_arrest", "location": "field",
                                                              "criminal_charge": "none", "likely_to_escape": True}
    built = pf.engine_action(values, AT)
    assert built == pf.Action(function="warrantless_arrest", at=AT, location=pf.Location.FIELD,
                              subject=pf.Subject(criminal_charge=pf.CriminalCharge.NONE), likely_to_escape=True)
    assert type(built.location) is pf.Location and type(built.subject.criminal_charge) is pf.CriminalCharge
    assert pf.engine_action(SimpleNamespace(**values), AT) == built


def test_fact_values_give_back_what_the_engine_was_given():
    values = {f.name: f.default for f in pf.ACTION_FACTS} | {"function": "screen", "ice_designated": True,
                                                              "subject_ref": "BK-1", "charge_level": "felony"}
    back = pf.fact_values(pf.engine_action(values, AT))
    # Facts the engine does not read (the reference, the charge's level) come back as their defaults.
    assert back == values | {"subject_ref": "", "charge_level": ""}
    assert all(type(v) in (bool, str) for v in back.values())
