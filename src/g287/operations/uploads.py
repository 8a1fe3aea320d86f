"""Batches of actions from a CSV file: every row checked first, then recorded in bounded transactions.

**Checking** reads the whole file and writes nothing: each row's values (codes or the labels the form shows),
the officer and agreement, the recorder's right to record them, the moment (``services.when_problem``), the
facts the engine decides on, and each reference (``external_ref``, unique per agency: the same reference with
the same facts is "already recorded", with other facts an error). If any row is wrong nothing is recorded, and
the errors are grouped: the first ``SHOWN_ERRORS`` with line, field and value, and a count of each kind.

**Recording** stores the rows in transactions of ``BATCH_ROWS`` rows with the one writer
(``services.record_batch``), decided exactly as ``record_reported`` decides one: the actions, their violations,
obligations, references and review items in one multi-row insert a table, and their audit events appended together
at the end of the batch (``audit.services.record_many``), so the audit chain's lock is held for one short batch at
a time and other writes (the form, the API) are not kept waiting behind a whole file. A file whose recording stops half way
(a crash, a killed worker) keeps the batches committed; uploading it again records only the rest (the
references of the recorded rows are known). Large files are recorded by the task queue (``tasks.record_upload``)
with their progress on the upload's page.

Columns (header row required, order free, UTF-8): the reference, officer, agreement, date and time, and the
action's facts as declared once (``g287.policy.facts.ACTION_FACTS``); see ``COLUMN_HELP`` (shown on the upload
page, with a template to download).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from g287 import inputs
from g287.audit.services import record
from g287.exports import csv_text
from g287.operations.choices import AuditAction
from g287.operations.models import ActionReference
from g287.operations.services import ActionInput, _same_facts, check_recorder, officer_of, record_batch, when_problem
from g287.oversight.services.reviews import sample_rate
from g287.personnel.facts import FactsError, facts_for
from g287.personnel.models import Officer
from g287.policy.facts import ACTION_FACTS, ActionFact
from g287.registry import localtime
from g287.registry.models import Agreement

_FACT_COLUMNS = tuple(f.name for f in ACTION_FACTS)
COLUMNS = ("external_ref", "officer", "agreement", _FACT_COLUMNS[0], "date", "time", *_FACT_COLUMNS[1:])
REQUIRED = ("external_ref", "officer", "agreement", *(f.name for f in ACTION_FACTS if f.required), "date", "time")
MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
BATCH_ROWS = 100  # rows per transaction: short enough that other writes barely wait for the audit chain
BACKGROUND_NICENESS = 10  # the task queue's upload yields the CPU to the web workers (os.nice)


SHOWN_ERRORS = 50
TRUE_WORDS = {"1", "true", "yes", "y", "t", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "f"}


def background_priority() -> None:
    """Lower this process's CPU priority: a batch recorded in the background must not slow the site's answers
    (on a small machine the upload and the web workers share the same cores)."""
    try:
        os.nice(BACKGROUND_NICENESS)
    except OSError:  # not permitted here: the upload runs at the usual priority
        pass


BOOLEAN_DEFAULTS = {f.name: f.default for f in ACTION_FACTS if f.type is bool}
TEXT_FACTS = tuple(f for f in ACTION_FACTS if f.type is str and not f.choices)


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", "_", text.strip().lower())


def _choices(pairs) -> dict[str, str]:
    """Each code and each label (any case, spaces or underscores) → the code."""
    out = {}
    for code, label in pairs:
        out[_norm(str(label))] = str(code)
        out[_norm(str(code))] = str(code)
    return out


# Each choice column: every code and label it accepts (and further words), and what an empty cell means (None:
# required).
CHOICES = {f.name: (_choices(f.choices) | {_norm(w): code for w, code in f.aliases}, f.default)
           for f in ACTION_FACTS if f.choices}


def _allowed(field_name: str) -> list[tuple[str, str]]:
    return list(ACTION_FACTS[_FACT_COLUMNS.index(field_name)].choices)


def _fact_help(f: ActionFact) -> str:
    """What a fact's column takes, from its declaration."""
    if f.type is bool:
        return f"yes or no (also true/false, 1/0) — {f.label}. Empty: {'yes' if f.default else 'no'}."
    if f.choices:
        listed = "; ".join(f"{c} ({label})" for c, label in f.choices)
        if f.required:
            return listed
        return listed + (", or empty." if f.default == "" else f". Empty: {f.default}.")
    return f"{f.help} At most {f.max_length} characters."


# What the upload page shows: each column, whether it is required, and what it takes.
_OTHER_HELP = {
    "external_ref": "Your system's reference for the action, unique in your agency, at most 64 characters. "
                    "A reference already recorded with the same facts is skipped.",
    "officer": "The officer's reference (badge or personnel number) as registered.",
    "agreement": "The agreement's key, or its model (JEM, WSO, TFM, HYBRID) when your agency has one agreement of "
                 "that model.",
    "date": "The agency's local date, YYYY-MM-DD (e.g. 2025-05-01).",
    "time": "The agency's local time, HH:MM or HH:MM:SS, 24-hour (e.g. 09:30).",
}
COLUMN_HELP = [(c, c in REQUIRED, _OTHER_HELP[c] if c in _OTHER_HELP else _fact_help(ACTION_FACTS[_FACT_COLUMNS.index(c)]))
               for c in COLUMNS]
TEMPLATE_ROWS = [
    ["2025-0001", "BADGE-123", "JEM", "issue_detainer", "2025-05-01", "09:30", "lea_facility", "BK-2025-0001",
     "yes", "pending", "felony", "no", "no", "yes", "no", "no"],
    ["2025-0002", "BADGE-123", "JEM", "interview", "2025-05-01", "10:15", "", "BK-2025-0002", "", "", "", "", "", "",
     "", ""],
]


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str
    value: str = ""
    kind: str = ""  # the message without the value: errors of one kind are counted together

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class UploadRejected(Exception):
    """The upload was refused and nothing of it was written; ``errors`` name each line, field and value."""

    def __init__(self, name: str, errors: list[RowError]):
        self.name, self.errors = name, errors
        shown = "; ".join(str(e) for e in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"{name}: nothing was recorded — {shown}{more}")

    @property
    def shown(self) -> list[RowError]:
        return self.errors[:SHOWN_ERRORS]

    @property
    def kinds(self) -> list[tuple[str, str, int, int]]:
        """(field, kind, count, first line) of each kind of error, most frequent first."""
        counts = Counter((e.field, e.kind or e.message) for e in self.errors)
        first = {}
        for e in self.errors:
            first.setdefault((e.field, e.kind or e.message), e.line)
        return [(f, k, n, first[(f, k)]) for (f, k), n in counts.most_common()]

    def as_dict(self) -> dict:
        return {"name": self.name, "total": len(self.errors),
                "shown": [{"line": e.line, "field": e.field, "message": e.message} for e in self.shown],
                "kinds": [{"field": f, "kind": k, "count": n, "first_line": line} for f, k, n, line in self.kinds]}


@dataclass
class UploadResult:
    name: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0  # rows whose reference was already recorded with the same facts
    denied: int = 0
    batches: int = 0
    action_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"name": self.name, "rows": self.rows, "created": self.created, "unchanged": self.unchanged,
                "denied": self.denied, "batches": self.batches}


@dataclass
class Row:
    line: int
    officer: Officer
    agreement: Agreement
    action: ActionInput
    external_ref: str
    known: int | None = None  # the stored action's id when the reference is already recorded with these facts
    facts: object = None  # the engine's facts for the officer and agreement, read once per pair


Progress = Callable[[str, int, int], None]  # (phase, done, total)


def _error(line, field_name, value, message_template) -> RowError:
    """``message_template`` names the value as ``{v}``; the kind is the template without it."""
    shown = repr(value if len(value) <= 60 else value[:60] + "…")
    return RowError(line, field_name, message_template.format(v=shown), value, message_template.format(v="…"))


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _read_row(line: int, values: dict, officers: dict, agreements: list, agency, errors: list) -> Row | None:
    """One row's values, or None with its errors appended (every field is checked, not only the first wrong)."""
    before = len(errors)
    ref = values.get("external_ref", "")
    if not ref:
        errors.append(_error(line, "external_ref", ref, "required; give your reference for the action"))
    elif len(ref) > 64:
        errors.append(_error(line, "external_ref", ref, "{v} is longer than 64 characters"))
    officer = officers.get(values.get("officer", ""))
    if officer is None:
        errors.append(_error(line, "officer", values.get("officer", ""),
                             "no officer {v} in " + agency.name.replace("{", "(").replace("}", ")")))
    text = values.get("agreement", "")
    agreement = next((a for a in agreements if a.key == text), None)
    if agreement is None:
        by_model = [a for a in agreements if a.model == text.upper()]
        if len(by_model) == 1:
            agreement = by_model[0]
        elif by_model:
            errors.append(_error(line, "agreement", text, "{v}: the agency has " + str(len(by_model))
                                 + " such agreements; give the agreement's key ("
                                 + ", ".join(a.key for a in by_model) + ")"))
        else:
            errors.append(_error(line, "agreement", text, "no agreement {v} (a key, or a model such as JEM)"))
    chosen = {}
    for name, (mapping, default) in CHOICES.items():
        raw = values.get(name, "")
        if raw == "" and default is not None:
            chosen[name] = default
            continue
        code = mapping.get(_norm(raw))
        if code is None:
            allowed = ", ".join(c for c, _ in _allowed(name))
            errors.append(_error(line, name, raw, "{v} is not one of: " + allowed if raw else "required; one of: "
                                 + allowed))
        chosen[name] = code
    flags = {}
    for name, default in BOOLEAN_DEFAULTS.items():
        raw = values.get(name, "").lower()
        if raw == "":
            flags[name] = default
        elif raw in TRUE_WORDS:
            flags[name] = True
        elif raw in FALSE_WORDS:
            flags[name] = False
        else:
            errors.append(_error(line, name, values.get(name, ""), "{v}: write yes or no (or true/false, 1/0)"))
    day = moment = None
    try:
        day = inputs.day(values.get("date", ""), "date")
    except inputs.InputError as exc:
        raw = values.get("date", "")
        kind = exc.message.replace(inputs._shown(raw), "…")
        errors.append(RowError(line, "date", f"{exc.message} (write YYYY-MM-DD, e.g. 2025-05-01)", raw, kind))
    m = _TIME.fullmatch(values.get("time", ""))
    clock = None
    if m and int(m[1]) < 24 and int(m[2]) < 60 and int(m[3] or 0) < 60:
        clock = time(int(m[1]), int(m[2]), int(m[3] or 0))
    else:
        errors.append(_error(line, "time", values.get("time", ""),
                             "{v} is not a time; write HH:MM (24-hour), e.g. 09:30"))
    texts = {}
    for f in TEXT_FACTS:
        texts[f.name] = values.get(f.name, "")
        if len(texts[f.name]) > f.max_length:
            errors.append(_error(line, f.name, texts[f.name], "{v} is longer than " + str(f.max_length) + " characters"))
    if day is not None and clock is not None and agreement is not None:
        moment = datetime.combine(day, clock)
        problem = when_problem(moment, localtime.zone_for(agency.state))
        if problem:
            errors.append(RowError(line, "date", problem, f"{day} {clock}", _when_kind(problem)))
    if len(errors) > before:
        return None
    return Row(line, officer, agreement, ActionInput(at=moment, **chosen, **texts, **flags), ref)


def _when_kind(problem: str) -> str:
    for words in ("before 30 September 1996", "still to come", "did not happen"):
        if words in problem:
            return words
    return problem


def _records(text: str, name: str):
    """(line, values) of each record; a quoted value left open is an error naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            record_ = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UploadRejected(name, [RowError(start, "file", f"the CSV cannot be read from line {start}: {exc} "
                                                 "(a quoted value is not closed, or a quote stands inside an "
                                                 "unquoted value)", kind="the CSV cannot be read")]) from None
        yield start, record_
        start = reader.line_num + 1


def check(actor, agency, data: bytes | str, name: str = "upload.csv",
          progress: Progress | None = None) -> tuple[list[Row], str]:
    """Every row of the file read and checked, nothing written: (rows, the file's SHA-256). Raises
    ``UploadRejected`` with every problem."""
    raw = data.encode() if isinstance(data, str) else data
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > MAX_BYTES:
        raise UploadRejected(name, [RowError(1, "file", f"larger than {MAX_BYTES // 2**20} MB; split the file")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejected(name, [RowError(1, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start})")])
    records = _records(text, name)
    first = next(records, None)
    header = [h.strip() for h in first[1]] if first else []
    if not any(header):
        raise UploadRejected(name, [RowError(1, "header", "the file is empty; the first line names the columns")])
    errors = [RowError(1, h or "(empty)", f"unknown column; the columns are {', '.join(COLUMNS)}", h, "unknown column")
              for h in header if h not in COLUMNS]
    errors += [RowError(1, c, "required column is missing", "", "required column is missing")
               for c in REQUIRED if c not in header]
    if errors:
        raise UploadRejected(name, errors)

    own = officer_of(actor)
    officers = ({own.reference: own} if own is not None
                else {o.reference: o for o in Officer.objects.filter(agency=agency)})
    agreements = list(Agreement.objects.filter(agency=agency).select_related("agency"))
    rows: list[Row] = []
    seen: dict[str, int] = {}
    width = len(header)
    for line, values_list in records:
        if not any(v.strip() for v in values_list):
            continue  # a blank line
        if len(values_list) > width:
            errors.append(RowError(line, "row", f"{len(values_list) - width} more values than columns", "",
                                   "more values than columns"))
            continue
        values = {h: v.strip() for h, v in zip(header, values_list)}
        row = _read_row(line, values, officers, agreements, agency, errors)
        if row is None:
            continue
        if row.external_ref in seen:
            errors.append(_error(line, "external_ref", row.external_ref,
                                 "{v} is also on line " + str(seen[row.external_ref]) + " of this file"))
            continue
        seen[row.external_ref] = line
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise UploadRejected(name, [RowError(line, "file", f"more than {MAX_ROWS} rows; split the file")])
        if progress and len(rows) % 1000 == 0:
            progress("checking", len(rows), 0)
    if not rows and not errors:
        raise UploadRejected(name, [RowError(2, "file", "no rows after the header")])

    # Who may record what, and the facts the engine decides on: once per officer and agreement.
    facts: dict[tuple[int, int], object] = {}
    for row in rows:
        pair = (row.officer.pk, row.agreement.pk)
        if pair not in facts:
            try:
                check_recorder(actor, row.officer, row.agreement)
                facts[pair] = facts_for(row.officer, row.agreement)
            except PermissionDenied as exc:
                facts[pair] = RowError(0, "officer", str(exc), kind=str(exc))
            except ValidationError as exc:
                facts[pair] = RowError(0, "officer", " ".join(exc.messages), kind=" ".join(exc.messages))
            except FactsError as exc:
                facts[pair] = RowError(0, "agreement", str(exc), kind=str(exc))
        found = facts[pair]
        if isinstance(found, RowError):
            errors.append(RowError(row.line, found.field, found.message, "", found.kind))
        else:
            row.facts = found
    # References already recorded: the same facts are skipped, other facts are an error.
    by_ref = {r.external_ref: r for r in rows}
    refs = list(by_ref)
    for i in range(0, len(refs), 1000):
        for known in (ActionReference.objects.select_related("action")
                      .filter(agency_id=agency.pk, external_ref__in=refs[i:i + 1000])):
            row = by_ref[known.external_ref]
            diff = _same_facts(known.action, row.officer, row.agreement, row.action)
            if diff:
                errors.append(_error(row.line, "external_ref", row.external_ref,
                                     "{v} already names action " + str(known.action_id) + ", recorded with other "
                                     f"facts ({', '.join(diff)}); use a new reference for a new action"))
            else:
                row.known = known.action_id
    if errors:
        errors.sort(key=lambda e: e.line)
        raise UploadRejected(name, errors)
    return rows, digest


def record_rows(actor, agency, rows: list[Row], name: str, digest: str,
                progress: Progress | None = None) -> UploadResult:
    """Record checked rows in transactions of ``BATCH_ROWS`` with the one writer (``services.record_batch``), each
    batch's audit events appended together, the batch's own event last."""
    result = UploadResult(name=name, rows=len(rows))
    new = [r for r in rows if r.known is None]
    result.unchanged = len(rows) - len(new)
    # The WSO review sample's rate, read once (only a WSO agreement's warrants are sampled).
    rate = sample_rate(agency) if any(r.agreement.model == "WSO" for r in new) else None
    total = len(new)
    if progress:
        progress("recording", 0, total)
    by_ref: dict[str, int] = {}
    for start in range(0, total, BATCH_ROWS):
        batch = new[start:start + BATCH_ROWS]
        number = start // BATCH_ROWS + 1

        def batch_event(writes, batch=batch, number=number):
            return (AuditAction.UPLOAD_BATCH, "registry.agency", agency.pk, None, {
                "file": name, "sha256": digest, "batch": number, "lines": [batch[0].line, batch[-1].line],
                "actions": [writes[0].row.pk, writes[-1].row.pk]})

        writes = record_batch(actor, agency, batch, rate, batch_event)
        for r, w in zip(batch, writes):
            by_ref[r.external_ref] = w.row.pk
            result.created += 1
            result.denied += not w.row.allowed
        result.batches += 1
        if progress:
            progress("recording", min(start + BATCH_ROWS, total), total)
    result.action_ids = [r.known if r.known is not None else by_ref.get(r.external_ref) for r in rows]
    if result.created:
        with transaction.atomic():
            record(actor, AuditAction.UPLOAD_ACTIONS, "registry.agency", agency.pk, None, {
                "file": name, "sha256": digest, "rows": result.rows, "created": result.created,
                "unchanged": result.unchanged, "denied": result.denied, "batches": result.batches})
    return result


def import_actions(actor, agency, data: bytes | str, name: str = "upload.csv",
                   progress: Progress | None = None) -> UploadResult:
    """Check every row of a CSV upload for ``agency`` (raises ``UploadRejected``, nothing written), then record
    them in bounded transactions."""
    rows, digest = check(actor, agency, data, name, progress)
    return record_rows(actor, agency, rows, name, digest, progress)


def template_csv() -> str:
    """The upload's template: the header and two example rows (safe CSV, as every export)."""
    return csv_text(COLUMNS, TEMPLATE_ROWS)
