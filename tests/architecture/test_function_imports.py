"""Imports of g287 code sit at the top of their module; one inside a function says why, in a comment on the line
above it (or on its own line): the cycle it breaks (``# changes.views imports this module``), Django's
``AppConfig.ready()``, or the load time it saves. Consecutive imports share the comment above the first.
Migrations are left out: they import what they run inside their functions, by Django's convention.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import g287

SRC = Path(g287.__file__).parent
PRAGMA = re.compile(r"noqa(:\s*[A-Z]+\d+(\s*,\s*[A-Z]+\d+)*)?|type:\s*ignore(\[[^\]]*\])?|pragma:[^#]*", re.I)


def _is_g287(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "g287"
    return any(a.name.split(".")[0] == "g287" for a in node.names)


def unexplained(source: str) -> list[int]:
    """The lines of imports of g287 code inside a function with no comment above them or on them."""
    lines = source.splitlines()
    comments = {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                if tok.type == tokenize.COMMENT and PRAGMA.sub("", tok.string).strip("# \t")}
    inside = {n.lineno: n for f in ast.walk(ast.parse(source)) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
              for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    explained_ending: set[int] = set()  # the last lines of the imports explained so far
    bad = []
    for start, node in sorted(inside.items()):
        above = start - 1
        if (any(line in comments for line in range(start, node.end_lineno + 1))
                or (above in comments and lines[above - 1].lstrip().startswith("#"))
                or above in explained_ending):
            explained_ending.add(node.end_lineno)
        elif _is_g287(node):
            bad.append(start)
    return bad


def test_every_import_inside_a_function_says_why():
    bad = [f"{path.relative_to(SRC.parent)}:{line}"
           for path in sorted(SRC.rglob("*.py")) if "migrations" not in path.parts
           for line in unexplained(path.read_text(encoding="utf-8"))]
    assert bad == [], ("imports of g287 code inside a function without a comment saying which cycle it breaks "
                       "(or move it to the top of the module): " + ", ".join(bad))


def test_the_check_finds_an_import_without_its_reason():
    source = '''
def a():
    from g287.registry import models  # noqa: F401

def b():
    # registry.models imports this module
    from g287.registry import models
    from g287 import exports

def c():
    from g287.registry import (  # registry.models imports this module
        models)
    import json

def d():
    import json
    from . import sibling

def e():
    # weasyprint takes a second to load
    import weasyprint
    from g287.reports import charts
'''
    assert unexplained(source) == [3, 17]
