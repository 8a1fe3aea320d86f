"""Full-text search of every MOA: SQLite's FTS5 (porter stemming) or PostgreSQL's full-text search (English
configuration: the MOAs are written in English, whichever language the reader's interface is in).
"""

from __future__ import annotations

import html
import re

from django.db import connection

FTS_TABLE = "moa_document_fts"
PG_CONFIG = "english"
MAX_RESULTS = 50
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # put around matches by the database, turned into <mark> after escaping


def terms(query: str) -> list[str]:
    """The words of a query; everything else (quotes, operators, punctuation) is dropped, so no input is an
    error in either database's query syntax."""
    return re.findall(r"\w+", query or "", flags=re.UNICODE)[:12]


def index_document(doc_id: int, text: str) -> None:
    """Keep the SQLite index in step with a document's text (PostgreSQL indexes the column itself)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [doc_id])
        cur.execute(f"INSERT INTO {FTS_TABLE} (rowid, text) VALUES (%s, %s)", [doc_id, text])


def _marked(snippet: str) -> str:
    escaped = html.escape(snippet.replace("\f", " "))
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


def search(query: str, limit: int = MAX_RESULTS) -> list[tuple[int, str]]:
    """(document id, snippet as safe HTML with <mark>ed matches), best first; [] for a query without words."""
    words = terms(query)
    if not words:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            q = " & ".join(words)
            cur.execute(
                "SELECT id, ts_headline(%s, text, to_tsquery(%s, %s), %s) FROM moa_moadocument "
                "WHERE to_tsvector(%s, text) @@ to_tsquery(%s, %s) "
                "ORDER BY ts_rank(to_tsvector(%s, text), to_tsquery(%s, %s)) DESC, id LIMIT %s",
                [PG_CONFIG, PG_CONFIG, q, f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=30, MinWords=12",
                 PG_CONFIG, PG_CONFIG, q, PG_CONFIG, PG_CONFIG, q, limit])
        else:
            q = " ".join(f'"{w}"' for w in words)
            cur.execute(f"SELECT rowid, snippet({FTS_TABLE}, 0, %s, %s, '…', 24) FROM {FTS_TABLE} "
                        f"WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}), rowid LIMIT %s",
                        [MARK_OPEN, MARK_CLOSE, q, limit])
        return [(pk, _marked(snippet or "")) for pk, snippet in cur.fetchall()]
