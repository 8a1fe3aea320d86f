"""The annual report: HTML with its charts and the brief's historical counts, and a real PDF (WeasyPrint)."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from g287.reports.annual import build
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db


def test_annual_report_html_and_pdf(tmp_path):
    build_registry()
    r = build(2025, tmp_path)
    html = r.html.read_text()
    # On 31 December 2025 the newest list (3 July) shows three agreements of two agencies in one state.
    assert re.search(r'data-figure="agreements">3<', html) and re.search(r'data-figure="agencies">2<', html)
    for n, what in (("72", "2011"), ("35", "2016"), ("150", "2020"), ("635", "2025")):
        assert f'<td class="num">{n}</td>' in html, what
    assert "JEM 100, WSO 228, TFM 307" in html
    assert html.count("<svg") >= 3  # participation, lists of the year, models
    assert "Measures for the whole program and by model" in html
    assert "FY2025" in html  # the fiscal year's cost per agreement, from the program office's figures
    pdf = r.pdf.read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") and r.pages >= 4


def test_annual_report_command_checks_its_arguments(tmp_path):
    with pytest.raises(CommandError, match="2002"):
        call_command("report", "annual", "--year", "1999", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="not started"):
        call_command("report", "annual", "--year", str(date.today().year + 1), "--out", str(tmp_path))
    call_command("report", "annual", "--year", "2025", "--out", str(tmp_path / "r"), "--no-pdf")
    assert (tmp_path / "r" / "annual-report-2025.html").exists()
    assert not (tmp_path / "r" / "annual-report-2025.pdf").exists()
