"""Every scanned MOA read through real OCR (Tesseract on the task queue, no cache): then every shipped MOA has
its template read and is matched to its agreement. Slow: about 135 scanned pages."""

import os

import pytest
from django.conf import settings
from django.test import override_settings

from g287.moa.models import MoaDocument

from .conftest import EXPECTED, SCANNED, import_shipped

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.timeout(3600)]  # ~135 pages of OCR
REDIS = os.environ.get("G287_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def test_every_scanned_moa_through_ocr(tmp_path):
    queues = {**settings.RQ_QUEUES, "moa": {"URL": REDIS, "DEFAULT_TIMEOUT": 600}}
    with override_settings(VAR_DIR=tmp_path, RQ_QUEUES=queues):
        report = import_shipped(ocr="now")
    assert not report.errors and report.ocr_pages >= 130 and not report.ocr_pending
    docs = {d.file_name: d for d in MoaDocument.objects.select_related("agreement__agency")}
    for name, (state, agency, model, signed, template) in EXPECTED.items():
        d = docs[name]
        assert d.read_status == "read" and d.model == model and d.template_version == template, name
        assert (d.agreement.agency.name, d.agreement.model, str(d.agreement.signed)) == (agency, model, signed), name
        assert d.agreement.template_version == template and not d.agreement.template_inferred, name
        if name in SCANNED:
            assert d.ocr and d.template_revision is not None, name  # the 2025 footer, read by OCR
            assert d.state == state and len(d.text) > 20000 or name == "panamaCityBeachPolice_TFM_MOA_02.26.2025.pdf"
