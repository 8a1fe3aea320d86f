"""Reading stored actions out of the database in bulk, as Polars frames, for the bulk auditor.

- PostgreSQL: ``COPY (SELECT ...) TO STDOUT`` on Django's own connection (psycopg), parsed by Polars'
  CSV reader: one round trip, no row objects, and it sees the caller's transaction.
- SQLite: the ADBC SQLite driver reads straight into Arrow when the database is a file and the caller
  has nothing uncommitted; otherwise (an in-memory test database, an open transaction) Django's
  connection is read in large chunks.

Dates travel as whole days since 1970-01-01 and booleans as 0/1, so nothing is parsed per row.
The small fact tables (agreements, notices, officers, trainings, exams, authorizations) are read with
the ORM and turned into the engine's facts by ``bulk.engine_facts_tables``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db import connection as default_connection

from g287.redecide.bulk import ACTION_SCHEMA, BIT, FactTables, engine_facts_tables
from g287.policy import facts as pf
from g287.policy.facts import FUNCTIONS
from g287.personnel.facts import FactsError
from g287.personnel.models import Authorization, ExamScore, Officer, Training
from g287.registry.models import Agreement, AgreementEvent

# An action travels as five integers: ids, the local day (days since 1970-01-01) and one integer packing
# the function (its index in FUNCTIONS, low 4 bits) and the yes/no facts (one bit each), so neither
# database formats nor Polars parses any text per row.
# The yes/no facts are those of the frame the bulk pass decides on (``bulk.ACTION_SCHEMA``), then the stored decision.
_YES_NO = tuple(c for c, kind in ACTION_SCHEMA.items() if kind == pl.Boolean) + ("allowed",)
_FLAG_BITS = {name: 16 << i for i, name in enumerate(("field", "no_charge", *_YES_NO))}
_ACTION_COLUMNS = ["id", "officer_id", "agreement_id", "d", "packed"]
SQLITE_BUSY_MS = 30_000  # as long as Django's own connections wait (settings: OPTIONS timeout)


@dataclass(frozen=True)
class Scope:
    date_from: date | None = None
    date_to: date | None = None
    agency_id: int | None = None

    def where(self, alias: str = "a", extra: str | None = None) -> str:
        # Values are dates and integers, validated by type: safe to write into the statement.
        parts = [extra] if extra else []
        if self.date_from is not None:
            parts.append(f"{alias}.local_date >= '{date.fromisoformat(self.date_from.isoformat())}'")
        if self.date_to is not None:
            parts.append(f"{alias}.local_date <= '{date.fromisoformat(self.date_to.isoformat())}'")
        if self.agency_id is not None:
            parts.append(f"{alias}.agreement_id IN (SELECT id FROM registry_agreement WHERE agency_id = {int(self.agency_id)})")
        return (" WHERE " + " AND ".join(parts)) if parts else ""


def _actions_sql(vendor: str, scope: Scope, extra: str | None = None) -> str:
    days = ("(a.local_date - DATE '1970-01-01')" if vendor == "postgresql"
            else "CAST(julianday(a.local_date) - 2440587.5 AS INTEGER)")
    b = (lambda c: f"a.{c}::int") if vendor == "postgresql" else (lambda c: f"a.{c}")
    if vendor == "postgresql":  # one array lookup costs PostgreSQL less than a chain of string comparisons
        names = ",".join(f"'{f}'" for f in FUNCTIONS)
        fidx = f"COALESCE(array_position(ARRAY[{names}]::text[], a.function::text) - 1, 15)"
    else:
        fidx = "CASE a.function " + " ".join(f"WHEN '{f}' THEN {i}" for i, f in enumerate(FUNCTIONS)) + " ELSE 15 END"
    flags = " + ".join([
        f"({fidx})",
        f"{_FLAG_BITS['field']} * (CASE WHEN a.location = '{pf.Location.LEA_FACILITY.value}' THEN 0 ELSE 1 END)",
        f"{_FLAG_BITS['no_charge']} * (CASE WHEN a.criminal_charge = '{pf.CriminalCharge.NONE.value}' THEN 1 ELSE 0 END)",
        *[f"{_FLAG_BITS[c]} * {b(c)}" for c in _YES_NO],
    ])
    return f"SELECT a.id, a.officer_id, a.agreement_id, {days} AS d, {flags} AS packed FROM operations_action a{scope.where(extra=extra)}"


def _violations_sql(scope: Scope) -> str:
    bit = "CASE v.code " + " ".join(f"WHEN '{c}' THEN {b}" for c, b in BIT.items()) + " ELSE 0 END"
    inner = f"SELECT a.id FROM operations_action a{scope.where()}" if scope.where() else None
    sql = f"SELECT v.action_id, {bit} FROM operations_actionviolation v"
    return sql + (f" WHERE v.action_id IN ({inner})" if inner else "")


def _copy_csv(cursor, sql: str) -> bytes:
    buf = io.BytesIO()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for chunk in copy:
            buf.write(chunk)
    return buf.getvalue()


def _independent(conn) -> bool:
    """Whether other connections see what this one sees (nothing uncommitted, not an in-memory database)."""
    if conn.in_atomic_block:
        return False
    return conn.vendor == "postgresql" or (conn.vendor == "sqlite" and not conn.is_in_memory_db())


def _fetch(conn, sql: str, columns: list[str], own_connection: bool) -> pl.DataFrame:
    """Integer columns of a query as a frame: COPY on PostgreSQL, ADBC (Arrow) or chunks on SQLite."""
    if conn.vendor == "postgresql":
        if own_connection:
            import psycopg

            sd = conn.settings_dict
            params = {k: v for k, v in {"dbname": sd["NAME"], "user": sd["USER"], "password": sd["PASSWORD"],
                                        "host": sd["HOST"], "port": sd["PORT"]}.items() if v}
            with psycopg.connect(**params) as pc, pc.cursor() as cur:
                data = _copy_csv(cur, sql)
        else:
            with conn.cursor() as cur:
                data = _copy_csv(cur.cursor, sql)
        if not data:
            return pl.DataFrame(schema={c: pl.Int64 for c in columns})
        return pl.read_csv(data, has_header=False, new_columns=columns, schema_overrides={c: pl.Int64 for c in columns})
    if own_connection:
        import adbc_driver_sqlite.dbapi as adbc

        with adbc.connect(str(conn.settings_dict["NAME"])) as ac, ac.cursor() as cur:
            # A reader waits for a writer (the server, a command) instead of failing with "database is locked",
            # and can write nothing.
            cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
            cur.execute("PRAGMA query_only = ON")
            cur.execute(sql)
            table = cur.fetch_arrow_table()
        df = pl.from_arrow(table)
        return df.rename(dict(zip(df.columns, columns))).cast({c: pl.Int64 for c in columns})
    conn.ensure_connection()
    cur = conn.connection.cursor()
    cur.execute(sql)
    frames = []
    while rows := cur.fetchmany(200_000):
        frames.append(pl.DataFrame(rows, schema={c: pl.Int64 for c in columns}, orient="row"))
    return pl.concat(frames) if frames else pl.DataFrame(schema={c: pl.Int64 for c in columns})


def _unpacked(df: pl.DataFrame) -> pl.DataFrame:
    if df.is_empty():
        return pl.DataFrame(schema={**ACTION_SCHEMA, "allowed": pl.Boolean})
    p = pl.col("packed")
    flag = lambda name: (p & _FLAG_BITS[name]) != 0  # noqa: E731
    return df.select(
        pl.col("id", "officer_id", "agreement_id").cast(pl.Int64),
        (p & 15).replace_strict(dict(enumerate(FUNCTIONS)), return_dtype=pl.Utf8).alias("function"),
        pl.col("d").cast(pl.Int32).cast(pl.Date),
        pl.when(flag("field")).then(pl.lit(pf.Location.FIELD.value)).otherwise(pl.lit(pf.Location.LEA_FACILITY.value))
        .alias("location"),
        flag("in_lea_custody").alias("in_lea_custody"),
        # Only "none" matters to the rules; convicted and pending both count as a charge.
        pl.when(flag("no_charge")).then(pl.lit(pf.CriminalCharge.NONE.value))
        .otherwise(pl.lit(pf.CriminalCharge.PENDING.value)).alias("criminal_charge"),
        *[flag(c).alias(c) for c in _YES_NO if c != "in_lea_custody"],
    )


def _masks(df: pl.DataFrame) -> pl.DataFrame:
    if df.is_empty():
        return pl.DataFrame(schema={"id": pl.Int64, "stored_mask": pl.Int64})
    return df.group_by("id").agg(pl.col("bit").sum().alias("stored_mask"))


def read_actions(scope: Scope = Scope(), conn=None) -> pl.DataFrame:
    return read_actions_and_masks(scope, conn, stored=False)[0]


def read_stored_masks(scope: Scope = Scope(), conn=None) -> pl.DataFrame:
    """(id, stored_mask): the violation codes stored with each denied action, as bits."""
    conn = conn or default_connection
    return _masks(_fetch(conn, _violations_sql(scope), ["id", "bit"], _independent(conn)))


def read_actions_and_masks(scope: Scope = Scope(), conn=None, *, stored: bool = True, parts: int = 2):
    """The actions in scope and (optionally) their stored violation bits.

    With nothing uncommitted on a file or server database, the actions are read in ``parts`` id ranges and
    the stored violations beside them, each on its own connection in its own thread (the databases and
    Polars do the work outside Python's lock); otherwise one after the other on Django's connection.
    """
    conn = conn or default_connection
    independent = _independent(conn)
    if not independent or parts <= 1:
        actions = _unpacked(_fetch(conn, _actions_sql(conn.vendor, scope), _ACTION_COLUMNS, independent))
        masks = read_stored_masks(scope, conn) if stored else None
        return actions, masks
    with conn.cursor() as cur:
        cur.execute(f"SELECT MIN(a.id), MAX(a.id) FROM operations_action a{scope.where()}")
        lo, hi = cur.fetchone()
    if lo is None:
        return _unpacked(pl.DataFrame(schema={c: pl.Int64 for c in _ACTION_COLUMNS})), (
            _masks(pl.DataFrame(schema={"id": pl.Int64, "bit": pl.Int64})) if stored else None)
    step = (hi - lo) // parts + 1
    sqls = [_actions_sql(conn.vendor, scope, f"a.id >= {lo + i * step} AND a.id < {lo + (i + 1) * step}")
            for i in range(parts)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(parts + 1) as pool:
        masks_f = pool.submit(_fetch, conn, _violations_sql(scope), ["id", "bit"], True) if stored else None
        frames = list(pool.map(lambda q: _fetch(conn, q, _ACTION_COLUMNS, True), sqls))
        masks = _masks(masks_f.result()) if stored else None
    return _unpacked(pl.concat(frames).sort("id")), masks


def read_fact_tables(agreement_ids, officer_ids) -> FactTables:

    agreement_ids, officer_ids = list(agreement_ids), list(officer_ids)
    # Long id lists become a read of the whole (small) table rather than a statement with too many parameters.
    if len(officer_ids) > 20_000:
        officer_ids = list(Officer.objects.values_list("id", flat=True))
    # Officers may hold authorizations under agreements outside the audited set: only ids matter there.
    agreements = list(Agreement.objects.filter(id__in=agreement_ids).values(
        "id", "agency_id", "model", "template_version", "signed", "expires", "agency__detention_agreement"))
    for a in agreements:
        a["detention_agreement"] = a.pop("agency__detention_agreement")
        if not a["template_version"] or a["signed"] is None:

            raise FactsError(f"agreement id {a['id']} has no MOA template version or signing date: "
                             "its actions cannot be decided")
    notices = list(AgreementEvent.objects.filter(agreement_id__in=agreement_ids, kind__in=("suspension", "termination"))
                   .values("id", "agreement_id", "kind", "by", "date", "exigent", "lifted"))
    officers = list(Officer.objects.filter(id__in=officer_ids).values(
        "id", "agency_id", "us_citizen", "background_check", "lea_experience_years"))
    trainings = list(Training.objects.filter(officer_id__in=officer_ids).values("id", "officer_id", "course", "model",
                                                                               "completed"))
    exams = list(ExamScore.objects.filter(training__officer_id__in=officer_ids).values("training_id", "order", "score"))
    auths = list(Authorization.objects.filter(officer_id__in=officer_ids).values("id", "officer_id", "agreement_id",
                                                                                "granted", "revoked"))
    return engine_facts_tables(agreements, notices, officers, trainings, exams, auths)
