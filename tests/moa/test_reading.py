"""Reading and matching rules on their own (no database)."""

from datetime import date

from g287.moa.clauses import StandardClause, departures, normalize, standard
from g287.moa.matching import Candidate, Evidence, link_name, match, name_from_file
from g287.moa.reading import dates_in, file_evidence, read_template, split_clauses


def test_file_names_as_evidence():
    assert file_evidence("287gWSO_LevyCoFl2019-05-06.pdf") == ("WSO", "FL", date(2019, 5, 6))
    assert file_evidence("287gWSO_DeptOfCorrectionsAK_07-24-2020.pdf") == ("WSO", "AK", date(2020, 7, 24))
    assert file_evidence("HamiltonCoIN_JEM_MOA_03.03.2025.pdf") == ("JEM", "IN", date(2025, 3, 3))
    assert file_evidence("CravenCountyNC_WSO_MOA_031025.pdf") == ("WSO", "NC", date(2025, 3, 10))
    assert file_evidence("LongwoodPoliceDeptFL_TFM_MOA_04142025.pdf")[2] == date(2025, 4, 14)
    assert name_from_file("287gWSO_LevyCoFl2019-05-06.pdf", "FL") == "LevyCo"
    assert name_from_file("VADOC_JEM_MOA_022825.pdf", "VA") == "DOC"
    assert link_name("https://x.example/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2FMelbourneBeach"
                     "PoliceDeptFL_TFM_MOA_05132025.pdf&data=05") == "MelbourneBeachPoliceDeptFL_TFM_MOA_05132025.pdf"


def test_dates_and_template_footers():
    assert dates_in("Date: 7/16/20 … March 5, 2025 … Date: 2025.03.05 11:44") == [
        date(2025, 3, 5), date(2020, 7, 16), date(2025, 3, 5)]
    # The footer most pages carry is the revision, whatever OCR made of a few of them.
    text = "Revised 03/07/2025\n" * 5 + "Revised 03/07/2026\n" * 4 + "Revised 03/0712025"
    assert read_template(text, "TFM")[:2] == ("2025", "2025-03-07")
    assert read_template("… scheduled release from criminal custody …", "WSO")[0] == "2019"
    assert read_template("the new 287(g) Jail Enforcement Model Memorandum", "JEM")[0] == "2020"
    assert read_template("an MOA with no footer", "TFM") == ("", "", "no template footer and no text that names an "
                                                                     "earlier template")


def _cand(pk, agency, signed, state="FL", model="WSO", link=""):
    return Candidate(pk, f"{state}:{pk}", agency, state, model, signed, link)


def test_a_near_name_is_not_a_match_and_equal_fits_are_ambiguous():
    pool = [_cand(1, "Hardee County Sheriff's Office", date(2025, 2, 26)),
            _cand(2, "Lee County Sheriff's Office", date(2025, 2, 26))]
    ev = Evidence("hardeeCoSheriffsOffice_WSO_MOA_02.26.2025.pdf", "WSO", "", "Hardee County Sheriff's Office", "",
                  date(2025, 2, 26), date(2025, 2, 26))
    m = match(ev, pool)
    assert m.status == "matched" and m.candidate.pk == 1  # no link needed: "Hardee" is not "Lee"
    # Two agreements of the same agency and model signed days apart: ambiguous, listed with why, not attached.
    twins = [_cand(1, "Levy County Sheriff's Office", date(2019, 5, 6)),
             _cand(2, "Levy County Sheriff's Office", date(2019, 5, 9))]
    ev = Evidence("287gWSO_LevyCoFl2019-05-06.pdf", "WSO", "FL", "Levy County Sheriffs Office", "", None, None)
    m = match(ev, twins)
    assert m.status == "ambiguous" and m.candidate is None and "fit almost equally" in m.reasons[-1]
    # The link in ICE's list settles it.
    twins[1] = _cand(2, "Levy County Sheriff's Office", date(2019, 5, 9), link="287gWSO_LevyCoFl2019-05-06.pdf")
    assert match(ev, twins).candidate.pk == 2
    # Nothing that fits: unmatched, with the closest named.
    m = match(ev, [_cand(3, "Leon County Sheriff's Office", date(2019, 10, 15))])
    assert m.status == "unmatched" and "fits too poorly" in m.reasons[-1]
    assert match(ev, [_cand(3, "Levy County Sheriff's Office", None, model="JEM")]).reasons == [
        "the registry has no WSO in FL agreement"]


def test_clauses_standard_and_departures():
    base = "I. PARTIES\nThis MOA is between ICE and the Levy County Sheriff's Office (LCSO).\n" \
           "II. PURPOSE\nThe purpose of this collaboration is to provide training to all participating personnel.\n" \
           "III. COMPLAINTS\nComplaints will be accepted from any source and reported within 48 hours on the " \
           "complaint procedure.\n"
    clauses = split_clauses(base)
    assert [k for k, _, _ in clauses] == ["PARTIES", "PURPOSE", "COMPLAINTS"]
    norm = [(k, h, normalize(t, ("Levy County Sheriff's Office", "LCSO"))) for k, h, t in clauses]
    assert norm[0][2] == "this moa is between ice and the lea ."
    docs = [norm, norm, norm]
    changed = [norm[0], norm[1], ("COMPLAINTS", "COMPLAINTS", norm[2][2] + " ice will also provide training on "
                                  "the complaint procedure to every participating officer")]
    std = standard([*docs, changed])
    assert set(std) == {"PARTIES", "PURPOSE", "COMPLAINTS"} and isinstance(std["PURPOSE"], StandardClause)
    assert departures(norm, std) == []
    got = departures(changed, std)
    assert got[0]["kind"] == "changed" and got[0]["added"] == [
        "ice will also provide training on the complaint procedure to every participating officer"]
    struck = departures([norm[0], norm[2]], std)
    assert [(d["kind"], d["clause"]) for d in struck] == [("removed", "PURPOSE")]
    assert standard([norm, norm]) is None  # too few documents to tell a standard
