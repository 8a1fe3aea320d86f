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
    assert AuditEvent.objects.filter(action=C.TEMPLATE_FROM_DOCUMENT).count() == 43


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
