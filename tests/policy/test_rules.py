"""The rules files: validated at load, one rule set per valid (model, template), tables for a bulk auditor."""

import copy
from datetime import date, datetime

import pytest
import yaml

from g287 import policy
from g287.policy import Action, AgreementFacts, Authorization, Facts, OfficerFacts, Subject, Suspension, Training, evaluate
from g287.policy import rules as R

VALID = {
    ("JEM", t) for t in ("2009", "2013", "2016", "2019", "2020", "2025")
} | {("WSO", t) for t in ("2019", "2020", "2025")} | {("TFM", t) for t in ("2009", "2013", "2016", "2025")} | {
    ("HYBRID", t) for t in ("2009", "2013", "2016")
}


def test_exactly_the_valid_pairs():
    assert set(policy.valid_pairs()) == VALID


@pytest.mark.parametrize("model", ["JEM", "WSO", "TFM", "HYBRID"])
@pytest.mark.parametrize("template", ["2009", "2013", "2016", "2019", "2020", "2025"])
def test_unknown_pairs_are_errors(model, template):
    if (model, template) in VALID:
        assert policy.ruleset(model, template).template == template
    else:
        with pytest.raises(policy.UnknownRuleSet):
            policy.rule_tables(model, template)


def test_delegation_columns():
    t = policy.rule_tables
    assert "serve_removal_warrant" in t("HYBRID", "2009")["functions"]
    assert "serve_removal_warrant" not in t("TFM", "2009")["functions"]
    assert "serve_removal_warrant" not in t("TFM", "2025")["functions"]
    assert "execute_search_warrant" in t("TFM", "2016")["functions"]
    assert "execute_search_warrant" not in t("TFM", "2025")["functions"]
    assert t("WSO", "2025")["functions"] == ["serve_arrest_warrant", "serve_removal_warrant"]
    assert t("WSO", "2020") | {"moa": None} == t("WSO", "2019") | {"moa": None, "template": "2020"}


def test_rule_tables_are_plain_data_for_a_bulk_auditor():
    tables = policy.rule_tables("TFM", "2025")
    assert tables["authorization_term_years"] == 2 and tables["min_lea_experience_years"] == 2
    assert tables["notice_days"] == {"suspension:ICE": 0, "suspension:LEA": 0, "termination:ICE": 90, "termination:LEA": 0}
    transport = next(o for o in tables["obligations"] if o["code"] == "TRANSPORT_TO_ICE")
    assert transport == {
        "code": "TRANSPORT_TO_ICE", "functions": ["warrantless_arrest"], "when_usc_claim": False,
        "unless_detention_agreement": False, "due_hours": None, "due_end_of_day": True,
    }
    usc = next(o for o in tables["obligations"] if o["code"] == "REPORT_USC_CLAIM")
    assert usc["functions"] is None and usc["due_hours"] == 1
    assert yaml.safe_dump(tables)  # serialisable
    assert policy.rule_tables("TFM", "2009")["expired_after"] == date(2012, 12, 31)


@pytest.mark.parametrize(
    "model,template,kind,by,exigent,days",
    [
        ("JEM", "2025", "suspension", "ICE", False, 0),
        ("JEM", "2020", "termination", "LEA", False, 0),
        ("JEM", "2019", "termination", "ICE", False, 90),
        ("JEM", "2025", "termination", "ICE", True, 90),
        ("TFM", "2025", "termination", "ICE", False, 90),
        ("WSO", "2025", "suspension", "LEA", False, 90),
        ("WSO", "2019", "termination", "ICE", True, 0),
        ("WSO", "2020", "suspension", "ICE", False, 90),
        ("JEM", "2016", "termination", "ICE", False, 0),
        ("HYBRID", "2009", "suspension", "ICE", False, 0),
    ],
)
def test_notice_effective(model, template, kind, by, exigent, days):
    notice = date(2025, 6, 1)
    assert (policy.notice_effective(model, template, kind, by, notice, exigent) - notice).days == days


def test_notice_effective_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kind"):
        policy.notice_effective("JEM", "2025", "pause", "ICE", date(2025, 1, 1))
    with pytest.raises(ValueError, match="by"):
        policy.notice_effective("JEM", "2025", "suspension", "FBI", date(2025, 1, 1))


# --- broken rules files are refused at load -------------------------------------------------------


def _files():
    return {name: R._read(name) for name in ("codes.yaml", *R.RULE_FILES)}


def _load(files):
    return R.load_rules(read=lambda name: copy.deepcopy(files[name]))


def test_shipped_files_load():
    assert set(_load(_files())) == set(R.RULESETS)


def _broken(mutate, match):
    files = _files()
    mutate(files)
    with pytest.raises(R.RulesError, match=match):
        _load(files)


def test_unknown_obligation_code():
    _broken(lambda f: f["jem.yaml"]["templates"]["2025"]["obligations"].append({"code": "BAKE_CAKE", "due_hours": 1}), "unknown obligation code")


def test_unknown_obligation_function():
    _broken(lambda f: f["jem.yaml"]["templates"]["2025"]["obligations"].append(
        {"code": "REPORT_USC_CLAIM", "functions": ["fly"], "due_hours": 1}), "unknown function 'fly'")


def test_obligation_needs_exactly_one_due():
    _broken(lambda f: f["jem.yaml"]["templates"]["2025"]["obligations"].append(
        {"code": "REPORT_USC_CLAIM", "due_hours": 1, "due_end_of_day": True}), "exactly one of due_hours")


def test_unknown_delegated_function():
    _broken(lambda f: f["wso.yaml"]["templates"]["2025"].__setitem__("functions", ["serve_arrest_warrant", "fly"]), "unknown function 'fly'")


def test_citation_for_unknown_code():
    _broken(lambda f: f["tfm.yaml"]["templates"]["2025"]["citations"].__setitem__("NOPE", "x"), "unknown code 'NOPE'")


def test_unknown_template():
    _broken(lambda f: f["hybrid.yaml"]["templates"].__setitem__("2031", f["hybrid.yaml"]["templates"]["2009"]), "unknown MOA template '2031'")


def test_codes_must_be_complete():
    _broken(lambda f: f["codes.yaml"]["violations"].pop("TRAINING_LAPSED"), "violations: expected exactly")


def test_missing_citation():
    _broken(lambda f: f["jem.yaml"]["templates"]["2025"]["citations"].pop("TRAINING_LAPSED"), "JEM 2025: no citation for TRAINING_LAPSED")


def test_pair_defined_twice():
    def twice(f):
        f["tfm.yaml"] = copy.deepcopy(f["jem.yaml"])
    _broken(twice, "defined twice")


def test_unknown_key():
    _broken(lambda f: f["jem.yaml"].__setitem__("colour", "blue"), r"(?s)rules file jem.yaml: .*colour")


# --- each section 4/5 check, one at a time ---------------------------------------------------------

WSO = AgreementFacts("w", "a", "WSO", "2025", date(2025, 2, 26))
WSO_OFFICER = OfficerFacts(
    "o", "a", trainings=(Training("basic", "WSO", date(2025, 3, 1)),), authorizations=(Authorization("w", date(2025, 3, 12)),)
)
AT = datetime(2025, 4, 4, 6, 0)
DESIGNATED = Subject(ice_designated=True)


@pytest.mark.parametrize(
    "action,codes",
    [
        (Action("serve_arrest_warrant", AT, subject=DESIGNATED), set()),
        (Action("serve_arrest_warrant", AT, location="field", subject=DESIGNATED), {"OUTSIDE_AUTHORIZED_LOCATION"}),
        (Action("serve_arrest_warrant", AT, subject=Subject(in_lea_custody=False, ice_designated=True)), {"SUBJECT_NOT_IN_LEA_CUSTODY"}),
        (Action("serve_arrest_warrant", AT), {"SUBJECT_NOT_DESIGNATED_BY_ICE"}),
        (Action("serve_removal_warrant", AT, subject=DESIGNATED, warrant_signed_by_ice=False), {"WARRANT_NOT_SIGNED"}),
        (Action("warrantless_arrest", AT, subject=DESIGNATED, reason_to_believe=True), {"FUNCTION_NOT_DELEGATED", "WARRANTLESS_ARREST_CONDITIONS_NOT_MET"}),
        (Action("serve_arrest_warrant", datetime(2025, 2, 25), subject=DESIGNATED), {"AGREEMENT_NOT_YET_EFFECTIVE", "TRAINING_INCOMPLETE", "OFFICER_NOT_AUTHORIZED"}),
    ],
)
def test_wso_checks(action, codes):
    assert evaluate(Facts(WSO, WSO_OFFICER), action).codes == codes


def test_wso_suspension_in_effect():
    ag = AgreementFacts("w", "a", "WSO", "2025", date(2025, 2, 26), suspensions=(Suspension("LEA", date(2025, 3, 20), exigent=True),))
    assert evaluate(Facts(ag, WSO_OFFICER), Action("serve_arrest_warrant", AT, subject=DESIGNATED)).codes == {
        "AGREEMENT_SUSPENDED", "OFFICER_NOT_AUTHORIZED"}


def test_expired_legacy_and_ignored_expiry_on_modern_template():
    legacy = AgreementFacts("m", "a", "JEM", "2016", date(2016, 7, 1), expires=date(2017, 6, 30))
    modern = AgreementFacts("m", "a", "JEM", "2025", date(2025, 3, 3), expires=date(2025, 3, 31))
    off = OfficerFacts("o", "a", trainings=(Training("basic", "JEM", date(2016, 7, 1)), Training("refresher", "JEM", date(2025, 1, 1))),
                       authorizations=(Authorization("m", date(2016, 7, 1)),))
    assert evaluate(Facts(legacy, off), Action("interview", datetime(2017, 7, 1))).codes == {"AGREEMENT_EXPIRED"}
    assert evaluate(Facts(modern, off), Action("interview", datetime(2025, 4, 1))).allowed


def test_jem_charge_rule():
    ag = AgreementFacts("m", "a", "JEM", "2025", date(2025, 3, 3))
    off = OfficerFacts("o", "a", trainings=(Training("basic", "JEM", date(2025, 3, 3)),), authorizations=(Authorization("m", date(2025, 3, 3)),))
    assert evaluate(Facts(ag, off), Action("interview", AT, subject=Subject(criminal_charge="none"))).codes == {"SUBJECT_NO_CRIMINAL_CHARGE"}
    assert evaluate(Facts(ag, off), Action("interview", AT, subject=Subject(criminal_charge="convicted"))).allowed
