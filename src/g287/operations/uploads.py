"""Batches of actions from a CSV file, each row recorded through ``record_reported``.

The whole file is one transaction: every row is checked first and every problem is reported with its
line and field; if any row is bad, or any row cannot be recorded, nothing of the upload is written.
Each row carries ``external_ref``, the reporter's own reference (unique per agency), so uploading the
same file again records nothing twice.

Columns (header row required, order free, UTF-8):

=====================  ========  ===============================================================
column                 required  values
=====================  ========  ===============================================================
external_ref           yes       the reporting system's reference for the action, unique per agency
officer                yes       the officer's reference (badge or personnel number)
agreement              yes       the agreement's key, or its model (JEM, WSO, TFM, HYBRID) when the
                                 agency has one agreement of that model
function               yes       interview, screen, process, issue_detainer, prepare_i213,
                                 prepare_charging_document, serve_arrest_warrant, serve_removal_warrant,
                                 warrantless_arrest, detain_transport, execute_search_warrant
date                   yes       the agency's local date, YYYY-MM-DD
time                   yes       the agency's local time, HH:MM or HH:MM:SS
location               no        lea_facility (default) or field
subject_ref            no        an opaque booking or case number (no names)
in_lea_custody         no        yes/no (default yes)
criminal_charge        no        convicted, pending (default) or none
charge_level           no        felony, misdemeanor, infraction or empty
ice_designated         no        yes/no (default no)
usc_claim              no        yes/no (default no)
warrant_signed_by_ice  no        yes/no (default yes)
reason_to_believe      no        yes/no (default no)
likely_to_escape       no        yes/no (default no)
=====================  ========  ===============================================================
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from g287.audit.services import record
from g287.operations.facts import FactsError
from g287.operations.forms import CsvRowForm
from g287.operations.services import officer_of, record_reported
from g287.personnel.models import Officer
from g287.registry.models import Agreement

COLUMNS = ("external_ref", "officer", "agreement", "function", "date", "time", "location", "subject_ref",
           "in_lea_custody", "criminal_charge", "charge_level", "ice_designated", "usc_claim",
           "warrant_signed_by_ice", "reason_to_believe", "likely_to_escape")
REQUIRED = ("external_ref", "officer", "agreement", "function", "date", "time")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class UploadRejected(Exception):
    """The upload was refused and nothing of it was written; ``errors`` name each line and field."""

    def __init__(self, name: str, errors: list[RowError]):
        self.name, self.errors = name, errors
        shown = "; ".join(str(e) for e in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"{name}: nothing was recorded — {shown}{more}")


@dataclass
class UploadResult:
    name: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0  # rows whose reference was already recorded with the same facts
    denied: int = 0
    action_ids: list[int] = field(default_factory=list)


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(f, m) for f, errs in exc.message_dict.items() for m in errs]
    return [("row", m) for m in exc.messages]


def import_actions(actor, agency, data: bytes | str, name: str = "upload.csv") -> UploadResult:
    """Record every row of a CSV upload for ``agency``, or nothing (raises ``UploadRejected``)."""
    raw = data.encode() if isinstance(data, str) else data
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejected(name, [RowError(1, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start})")])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    errors: list[RowError] = []
    if not header:
        raise UploadRejected(name, [RowError(1, "header", "the file is empty; the first line names the columns")])
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    errors += [RowError(1, h or "(empty)", f"unknown column; the columns are {', '.join(COLUMNS)}") for h in unknown]
    errors += [RowError(1, c, "required column is missing") for c in missing]
    if errors:
        raise UploadRejected(name, errors)

    own = officer_of(actor)
    officers = ({own.reference: own} if own is not None
                else {o.reference: o for o in Officer.objects.filter(agency=agency)})
    agreements = list(Agreement.objects.filter(agency=agency).select_related("agency"))
    parsed = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            errors.append(RowError(line, "row", f"{len(row[None])} more values than columns"))
            continue
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue  # a blank line
        form = CsvRowForm(values, agency=agency, officers=officers, agreements=agreements)
        if not form.is_valid():
            errors += [RowError(line, f, m) for f, errs in form.errors.items() for m in errs]
            continue
        ref = form.cleaned_data["external_ref"]
        if ref in seen:
            errors.append(RowError(line, "external_ref", f"{ref!r} is also on line {seen[ref]} of this file"))
            continue
        seen[ref] = line
        parsed.append((line, form))
        if len(parsed) > MAX_ROWS:
            raise UploadRejected(name, [RowError(line, "file", f"more than {MAX_ROWS} rows; split the file")])
    if errors:
        raise UploadRejected(name, errors)
    if not parsed:
        raise UploadRejected(name, [RowError(2, "file", "no rows after the header")])

    result = UploadResult(name=name, rows=len(parsed))
    with transaction.atomic():
        for line, form in parsed:
            d = form.cleaned_data
            try:
                done = record_reported(actor, d["officer"], d["agreement"], form.action_input(), d["external_ref"])
            except ValidationError as exc:
                errors += [RowError(line, f, m) for f, m in _messages(exc)]
                continue
            except FactsError as exc:
                errors.append(RowError(line, "agreement", str(exc)))
                continue
            except PermissionDenied as exc:
                errors.append(RowError(line, "officer", str(exc)))
                continue
            if done.created:
                result.created += 1
                result.denied += not done.action.allowed
            else:
                result.unchanged += 1
            result.action_ids.append(done.action.pk)
        if errors:
            raise UploadRejected(name, errors)  # rolls back every row recorded above
        if result.created:
            record(actor, "operations.upload_actions", "registry.agency", agency.pk, None, {
                "file": name, "sha256": digest, "rows": result.rows, "created": result.created,
                "unchanged": result.unchanged, "denied": result.denied})
    return result
