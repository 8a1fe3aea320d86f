"""Every shipped MOA read and matched to its agreement; its template replaces the inferred one; the listing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from g287.audit.models import AuditEvent
from g287.moa import choices as C
from g287.moa.models import MoaDocument
from g287.moa.services import import_documents, listing
from g287.registry.models import Agreement

from .conftest import ARCHIVE, EXPECTED, REFERENCE, SCANNED

pytestmark = pytest.mark.django_db


def test_every_shipped_moa_is_matched_to_its_agreement(shipped):
    assert not shipped.errors
    assert len(shipped.imported) == 56 and shipped.unchanged == ["HamiltonCoIN_JEM_MOA_03.03.2025.pdf"]
    docs = {d.file_name: d for d in MoaDocument.objects.select_related("agreement__agency")}
    assert set(docs) == set(EXPECTED)
    for name, (state, agency, model, signed, _) in EXPECTED.items():
        d = docs[name]
        a = d.agreement
        assert a is not None, (name, d.match_status, d.match_reasons)
        assert (a.agency.state, a.agency.name, a.model, str(a.signed)) == (state, agency, model, signed), name
        assert d.match_status == C.MatchStatus.MATCHED and d.match_confidence >= 0.8, name
        assert d.agreement_key == a.key and d.match_reasons


def test_templates_read_from_the_text_replace_the_inferred_ones(shipped):
    for d in MoaDocument.objects.select_related("agreement"):
        expected = EXPECTED[d.file_name][4]
        if d.file_name in SCANNED:  # their scanned pages wait for OCR (slow suite): nothing is said yet
            assert d.read_status == "ocr_pending" and d.template_version == "", d.file_name
            continue
        assert d.read_status == "read" and d.template_version == expected, (d.file_name, d.template_reason)
        assert d.model == EXPECTED[d.file_name][2]
        a = d.agreement
        assert a.template_version == expected and a.template_inferred is False
        assert d.file_name in a.template_reason
        if expected == "2025":
            assert d.template_revision.year == 2025 and "Revised" in d.template_reason
    # The 2025 footers' revisions, as ICE's templates carry them.
    revisions = set(MoaDocument.objects.exclude(template_revision=None).values_list("template_revision", flat=True))
    assert {r.isoformat() for r in revisions} == {"2025-02-12", "2025-02-14", "2025-02-15", "2025-03-07"}
    assert AuditEvent.objects.filter(action=C.TEMPLATE_FROM_DOCUMENT).count() == 43  # every document read


def test_signatories_dates_and_sections(shipped):
    york = MoaDocument.objects.get(file_name="287gJEM_YorkCoSc2020-06-09.pdf")
    assert {(s["name"], s["title"], s["party"]) for s in york.signatories} == {
        ("Kevin R. Tolson", "Sheriff", "LEA"), ("C.M. Cronen", "Assistant Director, Enforcement", "ICE")}
    davie = MoaDocument.objects.get(file_name="daviePoliceDeptFL_TFM_MOA_03.05.25.pdf")
    assert ("Stephen Kinsey", "LEA") in {(s["name"], s["party"]) for s in davie.signatories}
    assert ("Caleb Vitello", "ICE") in {(s["name"], s["party"]) for s in davie.signatories}
    assert str(davie.signed) == "2025-03-07"  # the later of the two signatures (March 5 and March 7)
    # From the PDF's form fields: Union County's sheriff is named only there.
    union = MoaDocument.objects.get(file_name="UnionCoSheriffsOffice_WSO_MOA_02.20.25.pdf")
    assert {"name": "Brad Whitehead", "title": "Union County Sheriff", "party": "LEA", "source": "form"} in union.signatories
    levy = MoaDocument.objects.get(file_name="287gWSO_LevyCoFl2019-05-06.pdf")
    assert set(levy.sections) == {"functions", "supervision", "complaints", "termination"}
    assert "Standard Operating Procedures" in levy.sections["functions"]
    assert "terminat" in levy.sections["termination"].lower()


def test_list_json_has_exactly_the_issue_keys_and_disagreements(shipped):
    out = StringIO()
    call_command("moa", "list", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 56
    assert all(r["agreement"] for r in rows)
    keys = {"file", "sha256", "agreement", "state", "agency", "model", "template", "template_source", "signed",
            "signatories", "pages", "ocr", "match_confidence"}
    assert all(set(r) == keys for r in rows)
    levy = next(r for r in rows if r["file"] == "287gWSO_LevyCoFl2019-05-06.pdf")
    assert (levy["state"], levy["model"], levy["template"], levy["template_source"], levy["pages"], levy["ocr"]) == (
        "FL", "WSO", "2019", "document", 12, False)
    # Inference and documents agree on every shipped MOA read so far: the list of disagreements is empty, and an
    # agreement whose signing date puts it on another template shows up there.
    assert listing(disagreements=True) == []
    a = MoaDocument.objects.get(file_name="287gWSO_LevyCoFl2019-05-06.pdf").agreement
    Agreement.objects.filter(pk=a.pk).update(signed="2025-02-01")  # as if ICE had listed a 2025 date
    assert [r["file"] for r in listing(disagreements=True)] == ["287gWSO_LevyCoFl2019-05-06.pdf"]
    text = StringIO()
    call_command("moa", "list", "--disagreements", stdout=text)
    assert "inferred 2025" in text.getvalue() and "the document is 2019" in text.getvalue()


def test_importing_again_changes_nothing(shipped):
    events = AuditEvent.objects.count()
    templates = list(Agreement.objects.order_by("pk").values_list("template_version", "template_inferred"))
    again = import_documents([ARCHIVE, REFERENCE], ocr="skip", progress=False)
    assert again.imported == [] and len(again.unchanged) == 57 and not again.errors
    assert AuditEvent.objects.count() == events
    assert list(Agreement.objects.order_by("pk").values_list("template_version", "template_inferred")) == templates


def test_departures_of_a_real_moa_on_its_agreement_page(shipped, client):
    """The Alaska Department of Corrections signed the 2019 WSO template in July 2020 with a complaint procedure
    (Appendix B) that differs from the other 13 WSO 2019 MOAs: notice within 48 hours of the LEA receiving it,
    and 287(g) complaint posters."""
    ak = MoaDocument.objects.get(file_name="287gWSO_DeptOfCorrectionsAK_07-24-2020.pdf")
    assert "14 WSO 2019 documents" in ak.standard_note
    appendix_b = next(d for d in ak.departures if d["clause"] == "APPENDIX B")
    assert appendix_b["kind"] == "changed"
    assert any("287(g) complaint process posters will be displayed" in a for a in appendix_b["added"])
    # Most MOAs of a template are the standard: Levy County's has no departure.
    assert MoaDocument.objects.get(file_name="287gWSO_LevyCoFl2019-05-06.pdf").departures == []

    page = client.get(f"/agreements/{ak.agreement_id}/").content.decode()
    assert 'data-testid="moa-documents"' in page
    assert f'href="/moa/{ak.pk}/pdf/"' in page and "10 pages" in page
    assert "Deputy Commissioner of Institutions" in page and "Executive Associate Director" in page  # titles
    assert "Jacob Wycoff" not in page  # the agreement page shows the signatories' titles, not their names
    assert "WSO 2019" in page and "287(g) complaint process posters will be displayed" in page
    pdf = client.get(f"/moa/{ak.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_full_text_search_in_both_languages(shipped, client):
    page = client.get("/moa/", {"q": "complaint process posters"}).content.decode()
    assert "287gWSO_DeptOfCorrectionsAK" not in page  # results are named by agency, linked to the document
    ak = MoaDocument.objects.get(file_name="287gWSO_DeptOfCorrectionsAK_07-24-2020.pdf")
    assert f'href="/moa/{ak.pk}/"' in page and "<mark>" in page
    # Stemming: "terminates" finds "termination"; every MOA has the clause.
    many = client.get("/moa/", {"q": "terminates"}).content.decode()
    assert "43 documents contain" in many or "documents contain" in many
    # Query syntax is never an error: quotes, operators, an unbalanced parenthesis.
    for q in ['"', "AND OR NOT", "(complaint", "*", "x' OR 1=1 --"]:
        assert client.get("/moa/", {"q": q}).status_code == 200
    client.cookies["django_language"] = "es"
    es = client.get("/moa/", {"q": "complaint process posters"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Documentos MOA firmados" in es and f'href="/moa/{ak.pk}/"' in es


def test_program_office_confirms_or_corrects_a_match(shipped, client):
    from g287.accounts.models import Role, User
    from tests.conftest import sign_in

    levy = MoaDocument.objects.get(file_name="287gWSO_LevyCoFl2019-05-06.pdf")
    right = levy.agreement
    wrong = Agreement.objects.filter(agency__state="FL", model="WSO").exclude(pk=right.pk).first()
    staff = User.objects.create_user("moa-po", password="not-used-1234-moa", role=Role.PROGRAM_OFFICE)
    lea = User.objects.create_user("moa-lea", password="not-used-1234-moa", role=Role.LEA_COORDINATOR,
                                   agency=right.agency)
    sign_in(client, lea)
    assert client.post(f"/moa/{levy.pk}/match/", {"agreement": wrong.key}).status_code == 403
    sign_in(client, staff)
    # A key that names no agreement: refused, nothing changes.
    before = AuditEvent.objects.count()
    bad = client.post(f"/moa/{levy.pk}/match/", {"agreement": "FL:nothing:WSO:2019-01-01"})
    assert bad.status_code == 400 and AuditEvent.objects.count() == before
    # Corrected to another agreement: the old one gets its inferred template back, the new one the document's.
    assert client.post(f"/moa/{levy.pk}/match/", {"agreement": wrong.key, "note": "test"}).status_code == 302
    levy.refresh_from_db()
    right.refresh_from_db()
    wrong.refresh_from_db()
    assert levy.match_status == C.MatchStatus.CORRECTED and levy.agreement_id == wrong.pk
    assert right.template_inferred is True and wrong.template_inferred is False
    assert AuditEvent.objects.filter(action=C.MATCH_CORRECTED, object_id=str(levy.pk), actor_label="moa-po").exists()
    # A re-import leaves a match set by hand alone.
    import_documents([ARCHIVE / "FLORIDA" / "287gWSO_LevyCoFl2019-05-06.pdf"], ocr="skip", progress=False)
    levy.refresh_from_db()
    assert levy.agreement_id == wrong.pk
    # Confirmed back through the API.
    resp = client.post(f"/api/moa/documents/{levy.pk}/match/", {"agreement": right.key, "note": "the right one"},
                       content_type="application/json")
    assert resp.status_code == 200 and resp.json()["agreement"] == right.key
    resp = client.post(f"/api/moa/documents/{levy.pk}/match/", {"agreement": right.key},
                       content_type="application/json")
    assert resp.json()["match_status"] == "confirmed"
    right.refresh_from_db()
    assert right.template_inferred is False and "287gWSO_LevyCoFl2019-05-06.pdf" in right.template_reason


def test_a_template_without_rules_is_reported_not_forced(shipped, monkeypatch):
    from g287.moa import reading
    from g287.moa.services import apply_template, reread

    levy = MoaDocument.objects.get(file_name="287gWSO_LevyCoFl2019-05-06.pdf")
    before = levy.agreement.template_version
    # As if the text named a WSO template of 2016, which has no rules file (WSO began in 2019).
    monkeypatch.setattr(reading, "read_template", lambda text, model: ("2016", "", "a 2016 WSO text"))
    reread(levy)
    assert levy.template_version == "2016" and "no rules file for the WSO 2016 template" in levy.template_note
    assert apply_template(levy) is False
    levy.agreement.refresh_from_db()
    assert levy.agreement.template_version == before
