"""The apps import one another in one direction (docs/architecture.md): no cycle between them may return.

The import graph is grimp's (the library behind import-linter), built from the source, imports inside functions
included. ``ORDER`` lists the packages of ``g287`` from the bottom up; a package may import only those before it.
``NOT_YET`` are the imports known to point the other way, each to be turned around: the test fails when another
appears, and when one of them is gone (delete it here then).
"""

from __future__ import annotations

import grimp
import pytest

ORDER = (
    # Shared and pure: the rules engine, plain-SQL rows, input parsing, refusals shown on pages, CSV exports,
    # charts, form widgets, read-only admin, the public pages' cache and the data versions it keeps them by.
    "policy", "rows", "inputs", "errors", "exports", "charts", "uswds", "readonly_admin", "pagecache",
    # The audit log every write appends to; then the domain from the agreements up to what is done under them.
    "audit", "registry", "accounts", "personnel", "moa", "oversight", "program", "operations",
    # Reading what was recorded: re-deciding, the conformance runner, reports and the public portal.
    "redecide", "conformance", "reports",
    # The site's shell (home pages, navigation) and the registry's change feeds, which read everything.
    "web", "changes",
)
# The entry points import whatever they start.
ENTRY_POINTS = {"__main__", "cli", "settings", "urls", "wsgi"}

NOT_YET: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def edges() -> set[tuple[str, str]]:
    graph = grimp.build_graph("g287")
    packages = {m.split(".")[1] for m in graph.modules if m.count(".") >= 1} - ENTRY_POINTS
    return {(a, b) for a in packages for b in packages
            if a != b and graph.direct_import_exists(importer=f"g287.{a}", imported=f"g287.{b}", as_packages=True)}


def test_every_package_has_its_place(edges):
    placed = {p for e in edges for p in e}
    assert placed <= set(ORDER), f"place these packages in ORDER (and docs/architecture.md): {placed - set(ORDER)}"


def test_imports_point_down_the_order(edges):
    rank = {p: i for i, p in enumerate(ORDER)}
    upward = {(a, b) for a, b in edges if rank[a] < rank[b]}
    assert upward - NOT_YET == set(), f"imports against the order (a cycle between apps in the making): {upward - NOT_YET}"
    assert NOT_YET - upward == set(), f"turned around already: delete from NOT_YET {NOT_YET - upward}"


def test_recording_and_oversight_do_not_import_each_other(edges):
    """The cycles this order removed: oversight below operations, facts gathering in personnel, local time in
    registry."""
    assert ("oversight", "operations") not in edges
    assert ("personnel", "operations") not in edges
    assert ("personnel", "oversight") not in edges
