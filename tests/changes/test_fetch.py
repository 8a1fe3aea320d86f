"""Fetching ICE's lists when things go wrong: an HTML page instead of a spreadsheet, an error status, no server,
a file the importer refuses, the same file again. Every outcome is recorded and kept; the status page is staff's."""

import socket
from datetime import date

import pytest

from g287.accounts.models import Role, User
from g287.changes.fetch import fetch_ice
from g287.changes.models import Capture
from g287.registry.models import Publication
from tests.conftest import sign_in

from .sheets import write_lists

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_outcome_is_recorded_and_kept(settings, tmp_path, http_server, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path / "var"
    files = write_lists(tmp_path / "lists", date(2025, 6, 2))
    root, url = http_server.root, http_server.url
    (root / files["part1"].name).write_bytes(files["part1"].read_bytes())
    (root / "pendingAgencies.xlsx").write_text("<html><body>Access denied</body></html>")  # a page, not a sheet
    with django_capture_on_commit_callbacks(execute=True):
        result = fetch_ice({"participating": f"{url}/{files['part1'].name}", "pending": f"{url}/pendingAgencies.xlsx"})
    outcomes = {c.kind: c for c in result.captures}
    assert outcomes["participating"].outcome == "imported" and outcomes["participating"].publication is not None
    html = outcomes["pending"]
    assert html.outcome == "not_spreadsheet" and "not a spreadsheet" in html.message
    assert (settings.VAR_DIR / html.path).read_text().startswith("<html>")  # what came back is kept
    assert result.failed

    # The same spreadsheet again: unchanged, pointing to the copy already kept; an error status; no server at all.
    gone = f"http://127.0.0.1:{_free_port()}/participating.xlsx"
    result = fetch_ice({"participating": f"{url}/{files['part1'].name}", "pending": f"{url}/missing.xlsx"})
    again = {c.kind: c for c in result.captures}
    assert again["participating"].outcome == "unchanged"
    assert again["participating"].path == outcomes["participating"].path
    assert again["pending"].outcome == "failed" and again["pending"].http_status == 404
    result = fetch_ice({"participating": gone})
    assert result.captures[0].outcome == "failed" and "ConnectError" in result.captures[0].message

    # A spreadsheet the importer refuses (no ICE date in its name): refused, kept, nothing imported.
    (root / "participatingAgencies.xlsx").write_bytes(files["part2"].read_bytes())
    count = Publication.objects.count()
    result = fetch_ice({"participating": f"{url}/participatingAgencies.xlsx"})
    refused = result.captures[0]
    assert refused.outcome == "rejected" and "date" in refused.message
    assert (settings.VAR_DIR / refused.path).read_bytes() == files["part2"].read_bytes()
    assert Publication.objects.count() == count
    assert Capture.objects.count() == 6


def test_a_page_that_links_no_list_is_not_a_spreadsheet(settings, tmp_path, http_server):
    settings.VAR_DIR = tmp_path / "var"
    (http_server.root / "287g.html").write_text('<html><a href="/other.pdf">MOA</a></html>')
    result = fetch_ice({"participating": f"{http_server.url}/287g.html"})
    assert result.captures[0].outcome == "not_spreadsheet"


def test_the_status_page_is_the_program_offices(client, settings, tmp_path, http_server):
    settings.VAR_DIR = tmp_path / "var"
    fetch_ice({"participating": f"{http_server.url}/missing.xlsx"})
    assert client.get("/changes/fetches/").status_code == 302  # sign in first
    sign_in(client, User.objects.create_user("lea", password="x" * 16, role=Role.LEA_COORDINATOR))
    assert client.get("/changes/fetches/").status_code == 403
    client.logout()
    sign_in(client, User.objects.create_user("po", password="x" * 16, role=Role.PROGRAM_OFFICE))
    page = client.get("/changes/fetches/").content.decode()
    assert 'data-outcome="failed"' in page and "HTTP 404" in page


def test_the_command(settings, tmp_path, http_server):
    from django.core.management import CommandError, call_command

    settings.VAR_DIR = tmp_path / "var"
    with pytest.raises(CommandError, match="could not be captured"):
        call_command("fetch", "ice", "--participating-url", f"{http_server.url}/missing.xlsx",
                     "--pending-url", f"{http_server.url}/missing.xlsx")
