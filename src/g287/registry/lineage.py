"""Lineage of agreements and applications across ICE's publications, recomputed from every observation.

The rows each publication listed (``Observation``) are the facts. Everything else — which rows are the same
agreement, first and last listing, renames and re-dated rows, renewals, model switches, removals, which
application an agreement closed — is derived here from all observations in publication order (ICE's date,
am before pm, then capture time). Because it is recomputed from all facts, importing files in any order, or
the same file twice, gives the same result.

A row is merged into an earlier agreement only when one reading is the only one:

- *spelled alike*: a never-seen row has the same state, model and signing date as a row seen before (or
  another row of the same list), and the two names are the same but for spelling — "&" or "and", "PD" or
  "Police Department", "Dept." or "Department", a leading "The", "City of", "Town of" or "Village of"
  (``names.spelled_alike``). It is the same agreement: respelled on a later list, even after a gap
  (a *rename*), or listed twice on one list (a *duplicate*);
- *rename*: an agreement's row disappears and, in the same publication, exactly one never-seen row of the
  same state, model and signing date appears whose name scores at least ``RENAME_THRESHOLD`` (rapidfuzz
  token-set ratio over normalized names) — and that new row has no other such candidate;
- *re-dated*: an agreement's row disappears and exactly one never-seen row of the same agency and model
  appears with a signing date at most ``REDATE_MAX_DAYS`` away on the same inferred template (a correction,
  not a re-signing).

Pairs that fit but are not unique, and same-date rows whose names are similar but below the threshold, are
recorded as declined candidates (``LineageCandidate.merged = False``). A program-office decision
(``LineageDecision``: confirm, reject, split) on a pair, keyed by the two rows' identities, overrides this rule in
every recompute.

The fold walks the publications in order; its state after the last placed publication is kept
(``LineageCheckpoint``), so a newer list resumes the fold (``place``) and only the rows of the new lists are
relinked. A list that sorts before the checkpoint (older history arriving later), or a curation decision, makes a
full recompute. Agreements keep their database row when older history changes their key: a row whose key is one
of the chain's identities is re-keyed, so anything referring to it stays.
"""

from __future__ import annotations

import pickle
import sys
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import SimpleNamespace

from django.db import connection, transaction
from rapidfuzz import fuzz
from tqdm import tqdm

from g287.registry.field_offices import load_field_offices, office_resolver
from g287.registry.models import (Agency, Agreement, AgreementEvent, Application, FieldOffice, LineageCandidate,
                                  LineageCheckpoint, LineageDecision, Observation, Publication)
from g287.registry.names import agency_identity, normalize, spelled_alike
from g287.registry.signals import lineage_updated
from g287.registry.moa_templates import infer_template

RENAME_THRESHOLD = 85.0
RENAME_DECLINE_FLOOR = 60.0  # same-date rows scoring between this and the threshold are listed as declined
REDATE_MAX_DAYS = 45
FOLD_VERSION = 2  # raise when the fold's rules or state change

DERIVED_KINDS = (
    AgreementEvent.Kind.SIGNED, AgreementEvent.Kind.LISTED, AgreementEvent.Kind.RENEWAL,
    AgreementEvent.Kind.MODEL_SWITCH, AgreementEvent.Kind.RENAMED, AgreementEvent.Kind.REDATED,
    AgreementEvent.Kind.REMOVED, AgreementEvent.Kind.RELISTED, AgreementEvent.Kind.ADDENDUM,
)
EDITION_RANK = {"": 0, "am": 1, "mid": 2, "pm": 3}

ACTIVE, REMOVED, SUPERSEDED = "active", "removed", "superseded"
OPEN, CLOSED = "open", "closed"

_FIELDS = ("id", "publication_id", "row", "identity", "state", "name", "ice_type", "county", "model", "signed",
           "moa_text", "moa_url", "addendum_text", "addendum_url", "agreement_id", "application_id")


def edition_rank(edition: str) -> tuple[int, str]:
    """am before mid before pm; a variant of an edition (pm-b, pm-2, am-copy) after the edition itself."""
    base, _, variant = (edition or "").partition("-")
    return EDITION_RANK.get(base, 0), variant


def publication_order_key(pub) -> tuple:
    """ICE's date, am before pm, then capture time; the content hash only breaks exact ties."""
    captured = pub.captured.isoformat() if pub.captured else ""
    return (pub.published, edition_rank(pub.edition), captured, pub.sha256)


def _order_text(pub) -> str:
    key = publication_order_key(pub)
    return f"{key[0].isoformat()}|{key[1][0]}|{key[1][1]}|{key[2]}|{key[3]}"


def ordered_publications(qs=None) -> list[Publication]:
    """Publications in publication order; by default those the lineage has placed."""
    pubs = list(qs if qs is not None else Publication.objects.all())
    pubs.sort(key=publication_order_key)
    return pubs


@lru_cache(maxsize=65536)
def _agency_identity(state: str, name: str) -> str:
    return agency_identity(state, name)


@lru_cache(maxsize=65536)
def _normalized(name: str) -> str:
    return normalize(name)


@lru_cache(maxsize=65536)
def _spelled(name: str) -> str:
    return spelled_alike(name)


def _template_of(model: str, signed: date | None) -> str:
    return infer_template(model, signed)[0]


@dataclass
class Chain:
    head: str  # identity of the first row: the agreement's key
    identities: list[str] = field(default_factory=list)
    present: list[int] = field(default_factory=list)  # participating indexes where listed, ascending
    last: dict | None = None  # the newest observation
    first: dict | None = None
    changes: list[tuple[int, dict, dict, str]] = field(default_factory=list)  # (pub idx, old obs, new obs, kind)
    successor: str | None = None
    successor_kind: str = ""
    addendum: tuple[int, dict] | None = None  # the first listing that marks an addendum

    def listed_at(self, i: int) -> bool:
        j = bisect_left(self.present, i)
        return j < len(self.present) and self.present[j] == i

    def runs(self) -> list[tuple[int, int]]:
        """Consecutive listing runs as (first index, last index)."""
        if self.present and self.present[-1] - self.present[0] == len(self.present) - 1:
            return [(self.present[0], self.present[-1])]  # listed without a gap (most agreements): one run
        out = []
        for i in self.present:
            if out and out[-1][1] == i - 1:
                out[-1] = (out[-1][0], i)
            else:
                out.append((i, i))
        return out


def _canonical(alias: dict[str, str], ident: str) -> str:
    seen = []
    while ident in alias and alias[ident] != ident:
        seen.append(ident)
        ident = alias[ident]
    for s in seen:
        alias[s] = ident
    return ident


@dataclass
class Fold:
    """The lineage's state after folding publications in order; pickled as the checkpoint."""

    part_ids: list[int] = field(default_factory=list)  # participating publications in order
    chain_of: dict[str, str] = field(default_factory=dict)
    chains: dict[str, Chain] = field(default_factory=dict)
    agency_alias: dict[str, str] = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)
    prev_present: set[str] = field(default_factory=set)
    latest_by_agency: dict[str, dict] = field(default_factory=dict)
    apps: dict[str, dict] = field(default_factory=dict)
    alike: dict[tuple, str] = field(default_factory=dict)  # (state, model, signed, name spelled alike) → identity
    order_key: str = ""
    placed: int = 0
    version: int = FOLD_VERSION  # a checkpoint folded by other rules is not resumed

    def feed(self, pub, rows: list[dict], decisions: dict) -> None:
        """Fold one publication's observations (in row order) into the state."""
        for o in rows:
            o["agency_identity"] = _agency_identity(o["state"], o["name"])
        if pub.kind == Publication.Kind.PARTICIPATING:
            self._participating(pub, rows, decisions)
        else:
            for o in rows:
                agency = _canonical(self.agency_alias, o["agency_identity"])
                key = f"{agency}:{o['model']}"
                rec = self.apps.setdefault(key, dict(agency=agency, model=o["model"], first=pub.pk))
                rec["last"] = pub.pk
        for o in rows:
            self.latest_by_agency[_canonical(self.agency_alias, o["agency_identity"])] = o
        self.placed += 1
        self.order_key = _order_text(pub)

    def _participating(self, pub, listed: list[dict], decisions: dict) -> None:
        i = len(self.part_ids)
        self.part_ids.append(pub.pk)
        rows: dict[str, dict] = {}
        for o in listed:
            rows.setdefault(o["identity"], o)
        chain_of, chains, alias = self.chain_of, self.chains, self.agency_alias
        twins, handled = self._spelled_alike(pub, i, rows, decisions)
        new = [ident for ident in rows if ident not in chain_of and ident not in twins]
        present = {chain_of[ident] for ident in rows if ident in chain_of}
        gone = sorted(self.prev_present - present)
        pairs = []
        if gone and new:
            for head in gone:
                old = chains[head].last
                old_agency = _canonical(alias, old["agency_identity"])
                for ident in new:
                    if (head, ident) in handled:
                        continue
                    row = rows[ident]
                    decision = decisions.get((old["identity"], ident))
                    if decision is not None and decision[0] == LineageDecision.Decision.CONFIRM:
                        kind = "rename" if row["signed"] == old["signed"] else "redate"
                        pairs.append((head, ident, kind, None, decision))
                        continue
                    if row["state"] != old["state"] or row["model"] != old["model"]:
                        continue
                    if row["signed"] == old["signed"]:
                        score = fuzz.token_set_ratio(_normalized(old["name"]), _normalized(row["name"]))
                        if score >= RENAME_THRESHOLD:
                            pairs.append((head, ident, "rename", score, decision))
                        elif score >= RENAME_DECLINE_FLOOR:
                            self.candidates.append(dict(
                                kind="rename", merged=False, old=head, new_identity=ident,
                                old_identity=old["identity"], pub=pub.pk, score=score,
                                reason=_decided(f"names differ too much ({score:.0f} < {RENAME_THRESHOLD:.0f}): "
                                                f"“{old['name']}” → “{row['name']}”", decision)))
                    elif (_canonical(alias, row["agency_identity"]) == old_agency and row["signed"] and old["signed"]):
                        days = abs((row["signed"] - old["signed"]).days)
                        if days <= REDATE_MAX_DAYS and _template_of(row["model"], row["signed"]) == _template_of(
                                old["model"], old["signed"]):
                            pairs.append((head, ident, "redate", None, decision))
        forced_old = {p[0] for p in pairs if p[4] and p[4][0] == LineageDecision.Decision.CONFIRM}
        forced_new = {p[1] for p in pairs if p[4] and p[4][0] == LineageDecision.Decision.CONFIRM}
        per_old = Counter(p[0] for p in pairs)
        per_new = Counter(p[1] for p in pairs)
        for head, ident, kind, score, decision in pairs:
            old, row = chains[head].last, rows[ident]
            confirmed = decision is not None and decision[0] == LineageDecision.Decision.CONFIRM
            split = _apart(decision)
            unique = per_old[head] == 1 and per_new[ident] == 1
            blocked = not confirmed and (head in forced_old or ident in forced_new)
            if ident not in chain_of and (confirmed or (unique and not split and not blocked)):
                chain_of[ident] = head
                chains[head].identities.append(ident)
                chains[head].changes.append((i, old, row, kind))
                present.add(head)
                if kind == "rename":
                    self._same_agency(old, row)
                what = (f"“{old['name']}” → “{row['name']}” (name score {score:.0f})" if score is not None
                        else f"“{old['name']}” → “{row['name']}”" if kind == "rename"
                        else f"signing date {old['signed']} → {row['signed']}")
                reason = f"confirmed by the program office: {decision[1]}" if confirmed else f"the only reading: {what}"
                self.candidates.append(dict(kind=kind, merged=True, old=head, new_identity=ident,
                                            old_identity=old["identity"], pub=pub.pk, score=score, reason=reason))
            else:
                why = (f"not the only reading: the old row has {per_old[head]} candidate(s), the new row "
                       f"{per_new[ident]}" if not split else "kept apart")
                self.candidates.append(dict(kind=kind, merged=False, old=head, new_identity=ident,
                                            old_identity=old["identity"], pub=pub.pk, score=score,
                                            reason=_decided(why, decision)))
        for ident in new:
            if ident not in chain_of:
                chain_of[ident] = ident
                chains[ident] = Chain(head=ident, identities=[ident])
                present.add(ident)
        for ident, first in twins.items():  # listed twice on this list, both rows new: one agreement
            if _kept_apart(decisions, first, ident):
                chain_of[ident] = ident
                chains[ident] = Chain(head=ident, identities=[ident])
                present.add(ident)
                self._decline_alike(pub, chain_of[first], first, rows[first], ident, rows[ident], decisions)
            else:
                self._merge_alike(pub, i, chain_of[first], first, rows[first], ident, rows[ident], duplicate=True)
        for ident, row in rows.items():
            ch = chains[chain_of[ident]]
            if not ch.present or ch.present[-1] != i:
                ch.present.append(i)
            if ch.first is None:
                ch.first = row
            ch.last = row
            if ch.addendum is None and (row["addendum_text"] or "addendum" in row["moa_text"].lower()):
                ch.addendum = (i, row)
            if row["signed"]:
                self.alike.setdefault(_alike_key(row), ident)
        self.prev_present = present

    def _spelled_alike(self, pub, i: int, rows: dict[str, dict], decisions: dict) -> tuple[dict, set]:
        """Link each never-seen row to the agreement of a row spelled alike (same state, model and signing date,
        names equal but for "&"/"and", "PD", "Dept.", a leading "City of"): a respelling on a later list, even
        after a gap, or the same agreement listed twice on one list. Returns the rows that repeat another new row
        of this list (linked once that row has its agreement) and the pairs decided here. A program-office
        rejection or split of the pair keeps the rows apart."""
        twins: dict[str, str] = {}
        handled: set[tuple[str, str]] = set()
        first_new: dict[tuple, str] = {}
        listed = {self.chain_of[ident] for ident in rows if ident in self.chain_of}
        for ident, row in rows.items():
            if ident in self.chain_of or not row["signed"]:
                continue
            key = _alike_key(row)
            seen = self.alike.get(key)
            if seen is None:
                if key in first_new:
                    twins[ident] = first_new[key]
                else:
                    first_new[key] = ident
                continue
            head = self.chain_of[seen]
            handled.add((head, ident))
            old = self.chains[head].last
            if _kept_apart(decisions, seen, ident):
                self._decline_alike(pub, head, seen, old, ident, row, decisions)
                continue
            self._merge_alike(pub, i, head, seen, old, ident, row, duplicate=head in listed)
            listed.add(head)
        return twins, handled

    def _merge_alike(self, pub, i: int, head: str, old_ident: str, old: dict, ident: str, row: dict,
                     duplicate: bool) -> None:
        self.chain_of[ident] = head
        self.chains[head].identities.append(ident)
        if duplicate:
            reason = (f"listed twice on one list under names spelled alike: “{old['name']}” and “{row['name']}” "
                      f"(same state, model and signing date)")
        else:
            self.chains[head].changes.append((i, old, row, "rename"))
            self._same_agency(old, row)
            reason = (f"names spelled alike: “{old['name']}” → “{row['name']}” (same state, model and signing "
                      f"date)")
        self.candidates.append(dict(kind="duplicate" if duplicate else "rename", merged=True, old=head,
                                    new_identity=ident, old_identity=old_ident, pub=pub.pk, score=None,
                                    reason=reason))

    def _same_agency(self, old: dict, row: dict) -> None:
        """A renamed row's agency is the old row's: its identity becomes an alias of the old one."""
        a_new, a_old = row["agency_identity"], _canonical(self.agency_alias, old["agency_identity"])
        if _canonical(self.agency_alias, a_new) == a_new and a_new != a_old:
            self.agency_alias[a_new] = a_old

    def _decline_alike(self, pub, head: str, old_ident: str, old: dict, ident: str, row: dict,
                       decisions: dict) -> None:
        self.candidates.append(dict(kind="rename", merged=False, old=head, new_identity=ident, old_identity=old_ident,
                                    pub=pub.pk, score=None, reason=_decided(
                                        f"names spelled alike: “{old['name']}” → “{row['name']}”",
                                        decisions[(old_ident, ident)])))

    def successors(self) -> None:
        """Renewals and model switches: who replaced an agreement that left the list."""
        final = len(self.part_ids) - 1
        by_agency: dict[str, list[Chain]] = defaultdict(list)
        for ch in self.chains.values():
            ch.successor, ch.successor_kind = None, ""
            by_agency[_canonical(self.agency_alias, ch.first["agency_identity"])].append(ch)
        for group in by_agency.values():
            if len(group) < 2:
                continue
            for ch in group:
                if ch.present[-1] == final:
                    continue
                removal = ch.present[-1] + 1
                renewals = [s for s in group if s is not ch and s.last["model"] == ch.last["model"]
                            and s.listed_at(removal) and s.present[0] > ch.present[0]
                            and (s.last["signed"] or date.min) > (ch.last["signed"] or date.min)]
                switches = [s for s in group if s is not ch and s.last["model"] != ch.last["model"]
                            and s.present[0] == removal]
                if len(renewals) == 1:
                    ch.successor, ch.successor_kind = renewals[0].head, "renewal"
                elif not renewals and len(switches) == 1:
                    ch.successor, ch.successor_kind = switches[0].head, "model_switch"


def _alike_key(row: dict) -> tuple:
    return (row["state"], row["model"], row["signed"], _spelled(row["name"]))


def _apart(decision) -> bool:
    """A program-office decision that keeps a pair apart (a rejection or a split)."""
    return decision is not None and decision[0] in (LineageDecision.Decision.SPLIT, LineageDecision.Decision.REJECT)


def _kept_apart(decisions: dict, old_ident: str, ident: str) -> bool:
    return _apart(decisions.get((old_ident, ident)))


def _decided(reason: str, decision) -> str:
    if decision is None:
        return reason
    verb = {LineageDecision.Decision.REJECT: "rejected", LineageDecision.Decision.SPLIT: "split",
            LineageDecision.Decision.CONFIRM: "confirmed"}[decision[0]]
    return f"{reason}; {verb} by the program office: {decision[1]}"


def _decisions() -> dict:
    return {(d.old_identity, d.new_identity): (d.decision, d.reason) for d in LineageDecision.objects.all()}


def _observations(pub_ids: list[int]) -> dict[int, list[dict]]:
    """{publication id: its observations in row order}, read with one plain query (the ORM's rows cost more).
    The signing date is read as text and parsed once per distinct value: a quarter of a million rows share a
    few thousand dates."""
    qn = connection.ops.quote_name
    table = qn(Observation._meta.db_table)
    cols = ", ".join(f"CAST({qn(c)} AS TEXT)" if c == "signed" else qn(c) for c in _FIELDS)
    out: dict[int, list[dict]] = defaultdict(list)
    wanted = set(pub_ids)
    days: dict = {None: None}
    with connection.cursor() as cur:
        if len(wanted) > 500:
            cur.execute(f"SELECT {cols} FROM {table} ORDER BY publication_id, row")
        else:
            marks = ", ".join(["%s"] * len(wanted))
            cur.execute(f"SELECT {cols} FROM {table} WHERE publication_id IN ({marks}) ORDER BY publication_id, row",
                        list(wanted))
        for values in cur.fetchall():
            o = dict(zip(_FIELDS, values))
            if o["publication_id"] not in wanted:
                continue
            text = o["signed"]
            if text not in days:
                days[text] = date.fromisoformat(text[:10])
            o["signed"] = days[text]
            out[o["publication_id"]].append(o)
    return out


def _load_checkpoint() -> Fold | None:
    cp = LineageCheckpoint.objects.order_by("-id").first()
    if cp is None:
        return None
    try:
        fold = pickle.loads(zlib.decompress(cp.state))
    except Exception:  # a checkpoint from another version of the fold: start over
        return None
    return fold if isinstance(fold, Fold) and vars(fold).get("version") == FOLD_VERSION else None


def _save_checkpoint(fold: Fold) -> None:
    LineageCheckpoint.objects.all().delete()
    # Compressed here (an eighth of the size): the 2 MB pickle otherwise travels as a 4 MB literal that PostgreSQL
    # parses and compresses again inside the placing transaction.
    LineageCheckpoint.objects.create(order_key=fold.order_key, placed=fold.placed,
                                     state=zlib.compress(pickle.dumps(fold, protocol=pickle.HIGHEST_PROTOCOL), 1))


@transaction.atomic
def place(progress: bool = False, stream=None) -> dict:
    """Place every publication not yet placed: resume the fold from its checkpoint when they all sort after it,
    else recompute from every publication."""
    unplaced = list(Publication.all_objects.filter(placed=False))
    placed_count = Publication.objects.count()
    fold = _load_checkpoint()
    if (fold is None or fold.placed != placed_count or not unplaced
            or min(_order_text(p) for p in unplaced) <= fold.order_key):
        return recompute(progress=progress, stream=stream)
    unplaced.sort(key=publication_order_key)
    return _run(fold, unplaced, progress, stream, full=False)



@transaction.atomic
def recompute(progress: bool = False, stream=None) -> dict:
    """Rebuild agencies, agreements, applications, events and candidates from every publication's rows."""
    pubs = ordered_publications(Publication.all_objects.all())
    return _run(Fold(), pubs, progress, stream, full=True)


def _run(fold: Fold, pubs: list, progress: bool, stream, full: bool) -> dict:
    decisions = _decisions()
    rows_of = _observations([p.pk for p in pubs])
    new_obs: list[dict] = []
    aliases = len(fold.agency_alias)
    bar = tqdm(pubs, desc="lineage", unit="list", file=stream or sys.stderr, disable=not progress or len(pubs) < 20)
    for pub in bar:
        rows = rows_of.get(pub.pk, [])
        fold.feed(pub, rows, decisions)
        new_obs.extend(rows)
    bar.close()
    if not full and len(fold.agency_alias) != aliases and fold.apps:
        return recompute(progress=progress, stream=stream)
    fold.successors()
    counts = _write(fold, new_obs)
    Publication.all_objects.filter(placed=False).update(placed=True)
    _save_checkpoint(fold)
    touched = [p.pk for p in pubs]
    transaction.on_commit(lambda: lineage_updated.send(sender=None, publications=touched, full=full))
    counts["full"] = full
    counts["placed"] = len(pubs)
    return counts


def _write(fold: Fold, new_obs: list[dict]) -> dict:
    chains, alias, part_ids = fold.chains, fold.agency_alias, fold.part_ids
    final = len(part_ids) - 1

    # --- agencies ---
    if not FieldOffice.objects.exists():
        load_field_offices()  # shipped data, normally loaded by a migration; a flushed database lacks it
    office_for = office_resolver(list(FieldOffice.objects.all()))
    latest = {}
    for key, o in fold.latest_by_agency.items():
        latest[_canonical(alias, key)] = o
    existing_agencies = {a.key: a for a in plain_rows(Agency.objects, ["key", "name", "state", "ice_type", "county",
                                                                       "field_office_id"])}
    new_agencies, changed_agencies = [], []
    for key, o in latest.items():
        office = office_for(o["state"], o["county"])[0]
        values = dict(name=o["name"], state=o["state"], ice_type=o["ice_type"], county=o["county"],
                      field_office_id=office.pk if office else None)
        agency = existing_agencies.get(key)
        if agency is None:
            new_agencies.append(Agency(key=key, **values))
        elif any(getattr(agency, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(agency, k, v)
            changed_agencies.append(agency)
    Agency.objects.bulk_create(new_agencies, batch_size=500)
    if changed_agencies:
        _update(Agency, changed_agencies, ["name", "state", "ice_type", "county", "field_office_id"])
    agency_id = dict(Agency.objects.order_by().values_list("key", "id"))

    # --- agreements: a row keeps its id when its key becomes another identity of its chain ---
    agreement_fields = ["agency_id", "model", "signed", "template_version", "template_reason", "moa_link",
                        "moa_url", "addendum", "addendum_url", "first_listed_id", "last_listed_id", "status"]
    by_identity = {a.key: a for a in plain_rows(Agreement.objects, ["key", "template_inferred", *agreement_fields])}
    owner: dict[str, Agreement] = {}
    claimed: set[int] = set()
    for head, ch in chains.items():
        found = by_identity.get(head) or next((by_identity[i] for i in ch.identities if i in by_identity), None)
        if found is not None and found.pk not in claimed:
            owner[head] = found
            claimed.add(found.pk)
    for head, a in owner.items():
        if a.key != head:
            clash = by_identity.get(head)
            if clash is not None and clash.pk not in claimed:
                clash.key = f"{clash.key}~{clash.pk}"[:240]  # superseded by the re-keyed row; removed below if unused
                _update(Agreement, [clash], ["key"])
            a.key = head
            _update(Agreement, [a], ["key"])
    new_agreements: list[Agreement] = []
    changed: dict[tuple[str, ...], list] = defaultdict(list)
    for head, ch in chains.items():
        last = ch.last
        template, reason = infer_template(last["model"], last["signed"])
        moa_link = (Agreement.MoaLink.LINKED if last["moa_url"] else
                    Agreement.MoaLink.NAMED if last["moa_text"] else Agreement.MoaLink.NONE)
        values = dict(
            agency_id=agency_id[_canonical(alias, ch.first["agency_identity"])],
            model=last["model"], signed=last["signed"], template_version=template, template_reason=reason,
            moa_link=moa_link, moa_url=last["moa_url"],
            addendum=bool(last["addendum_text"] or "addendum" in last["moa_text"].lower()),
            addendum_url=last["addendum_url"],
            first_listed_id=part_ids[ch.present[0]], last_listed_id=part_ids[ch.present[-1]],
            status=(ACTIVE if ch.present[-1] == final else SUPERSEDED if ch.successor else REMOVED),
        )
        agreement = owner.get(head)
        if agreement is None:
            new_agreements.append(Agreement(key=head, template_inferred=True, **values))
            continue
        if not agreement.template_inferred:  # read from the MOA document itself: keep it
            values.pop("template_version"), values.pop("template_reason")
        fields = tuple(k for k, v in values.items() if getattr(agreement, k) != v)
        if fields:
            for k in fields:
                setattr(agreement, k, values[k])
            changed[fields].append(agreement)
    Agreement.objects.bulk_create(new_agreements, batch_size=500)
    # Written by the fields that changed: a new list moves most agreements' last listing and nothing else.
    for fields, agreements in changed.items():
        _update(Agreement, agreements, list(fields))
    # Every agreement read and the chains' kept here: an IN list of every key costs the database more.
    rows = [(pk, key, succ) for pk, key, succ in
            Agreement.objects.order_by().values_list("id", "key", "superseded_by_id") if key in chains]
    agreement_id = {key: pk for pk, key, _ in rows}
    succ_changed = []
    for pk, key, succ in rows:
        want = agreement_id.get(chains[key].successor) if chains[key].successor else None
        if succ != want:
            succ_changed.append(SimpleNamespace(pk=pk, superseded_by_id=want))
    if succ_changed:
        _update(Agreement, succ_changed, ["superseded_by_id"])

    # --- applications (pending list) ---
    apps: dict[str, dict] = {}
    pos = None
    for key, rec in fold.apps.items():
        agency = _canonical(alias, rec["agency"])
        merged_key = f"{agency}:{rec['model']}"
        have = apps.get(merged_key)
        if have is None:
            apps[merged_key] = dict(rec, agency=agency)
        else:  # an agency renamed after it applied: one application
            if pos is None:
                pos = {p.pk: i for i, p in enumerate(ordered_publications(Publication.all_objects.all()))}
            if pos.get(rec["last"], -1) > pos.get(have["last"], -1):
                have["last"] = rec["last"]
            if pos.get(rec["first"], -1) < pos.get(have["first"], -1):
                have["first"] = rec["first"]
    listed_by_agency_model: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for ch in chains.values():
        agency_key = _canonical(alias, ch.first["agency_identity"])
        listed_by_agency_model[(agency_key, ch.last["model"])].append((ch.present[0], ch.head))
    app_fields = ["agency_id", "model", "first_listed_id", "last_listed_id", "agreement_id", "closed_by_id", "status"]
    existing_apps = {a.key: a for a in plain_rows(Application.objects, ["key", *app_fields])}
    new_apps, changed_apps = [], []
    for key, rec in apps.items():
        listed = sorted(listed_by_agency_model.get((rec["agency"], rec["model"]), []))
        values = dict(agency_id=agency_id[rec["agency"]], model=rec["model"], first_listed_id=rec["first"],
                      last_listed_id=rec["last"],
                      agreement_id=agreement_id[listed[-1][1]] if listed else None,
                      closed_by_id=part_ids[listed[0][0]] if listed else None,
                      status=CLOSED if listed else OPEN)
        app = existing_apps.get(key)
        if app is None:
            new_apps.append(Application(key=key, **values))
        elif any(getattr(app, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(app, k, v)
            changed_apps.append(app)
    Application.objects.bulk_create(new_apps, batch_size=500)
    if changed_apps:
        _update(Application, changed_apps, app_fields)
    application_id = {key: pk for key, pk in Application.objects.order_by().values_list("key", "id") if key in apps}

    # --- link the folded rows to what they are (only where the link changed) ---
    part = set(part_ids)
    relink = []
    for o in new_obs:
        if o["publication_id"] in part:
            want = (agreement_id[fold.chain_of[o["identity"]]], None)
        else:
            key = f"{_canonical(alias, o['agency_identity'])}:{o['model']}"
            want = (None, application_id[key])
        if (o["agreement_id"], o["application_id"]) != want:
            relink.append((*want, o["id"]))
    if relink:
        _set_by_id(Observation, ["agreement_id", "application_id"], relink)

    # --- events and lineage candidates ---
    _write_events(fold, agreement_id)
    _write_candidates(fold.candidates, fold.chain_of, agreement_id)

    # Agreements and applications no longer backed by any row (merged into an earlier one after an
    # out-of-order import) go; anything another part of the system refers to stays.
    _delete_unreferenced(Agreement.objects.filter(first_listed__isnull=False), chains)
    _delete_unreferenced(Application.objects.all(), apps)
    _delete_unreferenced(Agency.objects.filter(agreements__isnull=True, applications__isnull=True, ori=""), latest)
    return {"agencies": len(latest), "agreements": len(chains), "applications": len(apps)}


def plain_rows(qs, fields) -> list[SimpleNamespace]:
    """The rows of ``qs`` (a queryset or a manager) as plain attributes: ``pk``, ``id`` and ``fields``. Comparing
    a thousand rows, or sorting a thousand publications, needs no model instances (they cost ten times more), nor
    the model's default ordering (the agreements' joins the agencies)."""
    names = ["id", *fields]
    return [SimpleNamespace(pk=values[0], **dict(zip(names, values)))
            for values in qs.order_by().values_list(*names)]


def _update(model, objs: list, fields: list[str]) -> None:
    """Write ``fields`` of ``objs`` (rows with a ``pk``) back; see ``_set_by_id``."""
    _set_by_id(model, fields, [[getattr(o, f) for f in fields] + [o.pk] for o in objs])


def _set_by_id(model, fields: list[str], rows: list) -> None:
    """Set ``fields`` row by row (each row: the values, then the id). Django's bulk_update builds a CASE
    expression per row and field, which costs seconds for a thousand rows. SQLite takes plain UPDATEs in one
    executemany; PostgreSQL one UPDATE … FROM unnest(arrays) for up to half a million rows, since a quarter of a
    million single-row UPDATEs (relinking every observation after a full recompute) cost a round trip each, and
    each statement joins by hashing the whole table (in chunks of 20,000, the full relink hashed it 13 times)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    fs = [model._meta.get_field(f.removesuffix("_id") if f.endswith("_id") else f) for f in fields]
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            sets = ", ".join(f"{qn(f.column)} = %s" for f in fs)
            cur.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)
            return
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fs)
        names = ", ".join(f"c{i}" for i in range(len(fs)))
        sets = ", ".join(f"{qn(f.column)} = v.c{i}" for i, f in enumerate(fs))
        sql = f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}, %s::bigint[]) AS v({names}, id) WHERE t.id = v.id"
        for start in range(0, len(rows), 500_000):
            chunk = rows[start:start + 500_000]
            cur.execute(sql, [[r[i] for r in chunk] for i in range(len(fs) + 1)])


def _delete_unreferenced(qs, keep) -> None:
    """Delete the rows of ``qs`` whose key is not in ``keep``, each unless something refers to it. The keys are
    compared here: a NOT IN of a thousand keys costs PostgreSQL more than reading them."""
    from django.db.models import ProtectedError, RestrictedError

    gone = [pk for pk, key in qs.order_by().values_list("id", "key") if key not in keep]
    if not gone:
        return
    for obj in qs.filter(pk__in=gone):
        try:
            with transaction.atomic():
                obj.delete()
        except (ProtectedError, RestrictedError):
            pass


def _write_events(fold: Fold, agreement_id: dict[str, int]) -> None:
    K = AgreementEvent.Kind
    chains = fold.chains
    final = len(fold.part_ids) - 1
    pubs = {p.pk: p for p in plain_rows(Publication.all_objects.filter(pk__in=fold.part_ids),
                                        ["published", "file_name"])}
    want: set[tuple] = set()

    def pub_of(i):
        return pubs[fold.part_ids[i]]

    def add(head, kind, when, pub, note):
        want.add((agreement_id[head], kind, when, pub.pk if pub else None, note[:2000]))

    alike: dict[tuple, list[Chain]] = defaultdict(list)
    for ch in chains.values():
        alike[(ch.last["state"], ch.last["model"], ch.last["signed"])].append(ch)

    for ch in chains.values():
        first_pub = pub_of(ch.present[0])
        first = ch.first
        if first["signed"]:
            add(ch.head, K.SIGNED, first["signed"], None, f"signing date as ICE lists it: {first['signed']}")
        add(ch.head, K.LISTED, first_pub.published, first_pub,
            f"first listed as “{first['name']}” ({first['model']}, signed {first['signed'] or 'date not listed'}), "
            f"row {first['row']} of {first_pub.file_name}")
        for i, old, new, kind in ch.changes:
            pub = pub_of(i)
            if kind == "rename":
                add(ch.head, K.RENAMED, pub.published, pub,
                    f"ICE's list renamed “{old['name']}” to “{new['name']}” (same model and signing date); "
                    f"row {new['row']} of {pub.file_name}")
            else:
                add(ch.head, K.REDATED, pub.published, pub,
                    f"ICE's list re-dated the signing date from {old['signed']} to {new['signed']}; "
                    f"row {new['row']} of {pub.file_name}")
                if new["signed"]:
                    add(ch.head, K.SIGNED, new["signed"], None, f"signing date as ICE lists it: {new['signed']}")
        runs = ch.runs()
        for n, (start, end) in enumerate(runs):
            if n > 0:
                pub = pub_of(start)
                add(ch.head, K.RELISTED, pub.published, pub, f"listed again in {pub.file_name}")
            if end < final:
                pub = pub_of(end + 1)
                if ch.successor and n == len(runs) - 1:
                    s = chains[ch.successor]
                    how = "renewed" if ch.successor_kind == "renewal" else f"switched to {s.last['model']}"
                    note = (f"no longer listed: {how} — “{s.last['name']}” {s.last['model']} signed "
                            f"{s.last['signed']} replaces it")
                else:
                    note = f"no longer on ICE's participating list from {pub.file_name}"
                    twin = _twin(ch, alike, end + 1)
                    if twin:
                        note += (f"; a row of the same state, model and signing date stays listed as "
                                 f"“{twin.last['name']}” (likely a duplicate listing removed)")
                add(ch.head, K.REMOVED, pub.published, pub, note)
        if ch.addendum is not None:
            i, row = ch.addendum
            pub = pub_of(i)
            add(ch.head, K.ADDENDUM, pub.published, pub,
                "ICE lists an addendum" + (f": {row['addendum_url']}" if row["addendum_url"] else ""))
        if ch.successor:
            s = chains[ch.successor]
            spub = pub_of(s.present[0])
            kind = K.RENEWAL if ch.successor_kind == "renewal" else K.MODEL_SWITCH
            verb = ("re-signed the same model" if kind == K.RENEWAL
                    else f"switched from {ch.last['model']} to {s.last['model']}")
            add(s.head, kind, s.last["signed"] or spub.published, spub,
                f"{verb}: replaces the agreement signed {ch.last['signed']} (“{ch.last['name']}”)")

    existing = list(AgreementEvent.objects.filter(kind__in=DERIVED_KINDS).order_by()
                    .values_list("id", "agreement_id", "kind", "date", "publication_id", "note"))
    have = {}
    stale = []
    for ev_id, *rest in existing:
        t = tuple(rest)
        if t in want and t not in have:
            have[t] = ev_id
        else:
            stale.append(ev_id)
    if stale:
        for start in range(0, len(stale), 900):
            AgreementEvent.objects.filter(id__in=stale[start:start + 900]).delete()
    AgreementEvent.objects.bulk_create(
        [AgreementEvent(agreement_id=a, kind=k, date=d, publication_id=p, note=n) for a, k, d, p, n in want
         if (a, k, d, p, n) not in have], batch_size=500)


def _twin(ch: Chain, alike: dict[tuple, list[Chain]], i: int):
    """A different agreement listed in publication i with the same state, model, signing date, similar name."""
    last = ch.last
    best, best_score = None, 0.0
    for other in alike.get((last["state"], last["model"], last["signed"]), ()):
        if other is ch or not other.listed_at(i):
            continue
        o = other.last
        score = fuzz.token_set_ratio(_normalized(o["name"]), _normalized(last["name"]))
        if score >= RENAME_THRESHOLD and score > best_score:
            best, best_score = other, score
    return best


def _write_candidates(candidates: list[dict], chain_of: dict[str, str], agreement_id: dict[str, int]) -> None:
    want = set()
    for c in candidates:
        new_head = chain_of.get(c["new_identity"])
        want.add((c["kind"], c["merged"], agreement_id[c["old"]], agreement_id.get(new_head) if new_head else None,
                  c["old_identity"], c["new_identity"], c["pub"],
                  None if c["score"] is None else round(float(c["score"]), 1), c["reason"][:500]))
    have = {}
    stale = []
    for row in LineageCandidate.objects.order_by().values_list("id", "kind", "merged", "old_id", "new_id",
                                                               "old_identity", "new_identity", "publication_id",
                                                               "score", "reason"):
        t = tuple(row[1:])
        if t in want and t not in have:
            have[t] = row[0]
        else:
            stale.append(row[0])
    if stale:
        LineageCandidate.objects.filter(id__in=stale).delete()
    LineageCandidate.objects.bulk_create(
        [LineageCandidate(kind=k, merged=m, old_id=o, new_id=n, old_identity=oi, new_identity=ni, publication_id=p,
                          score=s, reason=r) for (k, m, o, n, oi, ni, p, s, r) in want
         if (k, m, o, n, oi, ni, p, s, r) not in have], batch_size=500)
