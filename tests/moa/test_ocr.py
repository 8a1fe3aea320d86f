"""OCR of a scanned page through the task queue (real Redis, real rq worker, Debian's Tesseract), cached by the
PDF's hash. The default suite reads one page; every scanned MOA is read in the slow suite."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from g287.moa.extract import cached_ocr, ocr_cache_dir
from g287.moa.models import MoaDocument
from g287.moa.services import import_documents

from .conftest import ARCHIVE

pytestmark = pytest.mark.django_db
REDIS = os.environ.get("G287_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def test_one_scanned_page_read_through_the_task_queue(tmp_path):
    # Panama City Beach's MOA: 14 pages, page 9 scanned (the others have a text layer).
    pdf = ARCHIVE / "FLORIDA" / "panamaCityBeachPolice_TFM_MOA_02.26.2025.pdf"
    queues = {**settings.RQ_QUEUES, "moa": {"URL": REDIS, "DEFAULT_TIMEOUT": 600}}
    with override_settings(VAR_DIR=tmp_path, RQ_QUEUES=queues):
        report = import_documents([pdf], ocr="now", progress=False)
        assert not report.errors and report.ocr_pages == 1 and report.ocr_via == "task queue"
        doc = MoaDocument.objects.get()
        assert doc.read_status == "read" and doc.ocr_pages == [9] and doc.ocr
        page9 = doc.text.split("\f")[8]
        assert page9 == cached_ocr(doc.sha256, 8) and len(page9.split()) > 20
        assert (ocr_cache_dir(doc.sha256) / "0008.txt").is_file()
        assert str(tmp_path) in str(ocr_cache_dir(doc.sha256))
        assert doc.template_version == "2025" and doc.template_revision.isoformat() == "2025-02-12"
        # Again: the document is known by its hash, nothing is read twice.
        again = import_documents([pdf], ocr="now", progress=False)
        assert again.unchanged == [pdf.name] and again.ocr_pages == 0


def test_a_bad_file_is_reported_by_name_and_the_others_imported(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "notes.txt").write_text("x")
    good = ARCHIVE / "FLORIDA" / "287gWSO_LevyCoFl2019-05-06.pdf"
    with override_settings(VAR_DIR=tmp_path / "var"):
        report = import_documents([bad, tmp_path / "missing.pdf", tmp_path / "notes.txt", good], ocr="skip",
                                  progress=False)
    assert report.imported == [good.name]
    assert any("broken.pdf: not a readable PDF" in e for e in report.errors)
    assert any("missing.pdf: no such file or folder" in e for e in report.errors)
    assert any("notes.txt: not a PDF file" in e for e in report.errors)
    assert MoaDocument.objects.count() == 1 and Path(MoaDocument.objects.get().stored_as[5:]).name == good.name
