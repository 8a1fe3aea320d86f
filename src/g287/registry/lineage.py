"""Lineage of agreements and applications across ICE's publications, recomputed from every observation.

The rows each publication listed (``Observation``) are the facts. Everything else — which rows are the same
agreement, first and last listing, renames and re-dated rows, renewals, model switches, removals, which
application an agreement closed — is derived here from all observations in publication order (ICE's date,
am before pm, then capture time). Because it is recomputed from all facts, importing files in any order, or
the same file twice, gives the same result.

A row is merged into an earlier agreement only when one reading is the only one:

- *rename*: an agreement's row disappears and, in the same publication, exactly one never-seen row of the
  same state, model and signing date appears whose name scores at least ``RENAME_THRESHOLD`` (rapidfuzz
  token-set ratio over normalized names) — and that new row has no other such candidate;
- *re-dated*: an agreement's row disappears and exactly one never-seen row of the same agency and model
  appears with a signing date at most ``REDATE_MAX_DAYS`` away on the same inferred template (a correction,
  not a re-signing).

Pairs that fit but are not unique, and same-date rows whose names are similar but below the threshold, are
recorded as declined candidates (``LineageCandidate.merged = False``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from rapidfuzz import fuzz

from g287.registry.field_offices import load_field_offices, office_by_state
from g287.registry.models import (Agency, Agreement, AgreementEvent, Application, FieldOffice, LineageCandidate,
                                  Observation, Publication)
from g287.registry.names import agency_identity, normalize
from g287.registry.moa_templates import infer_template

RENAME_THRESHOLD = 85.0
RENAME_DECLINE_FLOOR = 60.0  # same-date rows scoring between this and the threshold are listed as declined
REDATE_MAX_DAYS = 45

DERIVED_KINDS = (
    AgreementEvent.Kind.SIGNED, AgreementEvent.Kind.LISTED, AgreementEvent.Kind.RENEWAL,
    AgreementEvent.Kind.MODEL_SWITCH, AgreementEvent.Kind.RENAMED, AgreementEvent.Kind.REMOVED,
    AgreementEvent.Kind.RELISTED, AgreementEvent.Kind.ADDENDUM,
)
EDITION_RANK = {"": 0, "am": 1, "pm": 2}

ACTIVE, REMOVED, SUPERSEDED = "active", "removed", "superseded"
OPEN, CLOSED = "open", "closed"


def publication_order_key(pub) -> tuple:
    """ICE's date, am before pm, then capture time; the content hash only breaks exact ties."""
    captured = pub.captured.isoformat() if pub.captured else ""
    return (pub.published, EDITION_RANK.get(pub.edition, 0), captured, pub.sha256)


def ordered_publications(qs=None) -> list[Publication]:
    pubs = list(qs if qs is not None else Publication.objects.all())
    pubs.sort(key=publication_order_key)
    return pubs


@dataclass
class Chain:
    head: str  # identity of the first row: the agreement's key
    identities: list[str] = field(default_factory=list)
    present: list[int] = field(default_factory=list)  # indexes (in participating order) where listed
    last: dict | None = None  # the newest observation
    first: dict | None = None
    changes: list[tuple[int, dict, dict, str]] = field(default_factory=list)  # (pub idx, old obs, new obs, kind)
    successor: str | None = None
    successor_kind: str = ""
    rows: dict[int, dict] = field(default_factory=dict)  # participating index → the row listed there


def _canonical(alias: dict[str, str], ident: str) -> str:
    seen = []
    while ident in alias and alias[ident] != ident:
        seen.append(ident)
        ident = alias[ident]
    for s in seen:
        alias[s] = ident
    return ident


def _template_of(model: str, signed: date | None) -> str:
    return infer_template(model, signed)[0]


@transaction.atomic
def recompute() -> dict:
    """Rebuild agencies, agreements, applications, events and candidates from all observations."""
    pubs = ordered_publications()
    order = {p.pk: i for i, p in enumerate(pubs)}
    part = [p for p in pubs if p.kind == Publication.Kind.PARTICIPATING]
    part_idx = {p.pk: i for i, p in enumerate(part)}
    fields = ("id", "publication_id", "row", "identity", "state", "name", "ice_type", "county", "model", "signed",
              "moa_text", "moa_url", "addendum_text", "addendum_url", "agreement_id", "application_id")
    observations = list(Observation.objects.values(*fields))
    observations.sort(key=lambda o: (order[o["publication_id"]], o["row"]))
    for o in observations:
        o["agency_identity"] = agency_identity(o["state"], o["name"])

    by_part_pub: list[dict[str, dict]] = [dict() for _ in part]
    pending_obs = []
    for o in observations:
        i = part_idx.get(o["publication_id"])
        if i is None:
            pending_obs.append(o)
        else:
            by_part_pub[i].setdefault(o["identity"], o)

    # --- chains of participating rows ---
    chain_of: dict[str, str] = {}
    chains: dict[str, Chain] = {}
    agency_alias: dict[str, str] = {}
    candidates: list[dict] = []
    prev_present: set[str] = set()
    for i, rows in enumerate(by_part_pub):
        new = [ident for ident in rows if ident not in chain_of]
        present = {chain_of[ident] for ident in rows if ident in chain_of}
        gone = [c for c in sorted(prev_present - present)]
        pairs = []
        for head in gone:
            old = chains[head].last
            old_agency = _canonical(agency_alias, old["agency_identity"])
            for ident in new:
                row = rows[ident]
                if row["state"] != old["state"] or row["model"] != old["model"]:
                    continue
                if row["signed"] == old["signed"]:
                    score = fuzz.token_set_ratio(normalize(old["name"]), normalize(row["name"]))
                    if score >= RENAME_THRESHOLD:
                        pairs.append((head, ident, "rename", score))
                    elif score >= RENAME_DECLINE_FLOOR:
                        candidates.append(dict(kind="rename", merged=False, old=head, new_identity=ident,
                                               old_identity=old["identity"], pub=part[i].pk, score=score,
                                               reason=f"names differ too much ({score:.0f} < {RENAME_THRESHOLD:.0f}): "
                                                      f"“{old['name']}” → “{row['name']}”"))
                elif (_canonical(agency_alias, row["agency_identity"]) == old_agency and row["signed"] and old["signed"]):
                    days = abs((row["signed"] - old["signed"]).days)
                    if days <= REDATE_MAX_DAYS and _template_of(row["model"], row["signed"]) == _template_of(
                            old["model"], old["signed"]):
                        pairs.append((head, ident, "redate", None))
        per_old = Counter(p[0] for p in pairs)
        per_new = Counter(p[1] for p in pairs)
        for head, ident, kind, score in pairs:
            old, row = chains[head].last, rows[ident]
            if per_old[head] == 1 and per_new[ident] == 1:
                chain_of[ident] = head
                chains[head].identities.append(ident)
                chains[head].changes.append((i, old, row, kind))
                present.add(head)
                if kind == "rename":
                    a_new = row["agency_identity"]
                    a_old = _canonical(agency_alias, old["agency_identity"])
                    if _canonical(agency_alias, a_new) == a_new and a_new != a_old:
                        agency_alias[a_new] = a_old
                what = (f"“{old['name']}” → “{row['name']}” (name score {score:.0f})" if kind == "rename"
                        else f"signing date {old['signed']} → {row['signed']}")
                candidates.append(dict(kind=kind, merged=True, old=head, new_identity=ident,
                                       old_identity=old["identity"], pub=part[i].pk, score=score,
                                       reason=f"the only reading: {what}"))
            else:
                candidates.append(dict(kind=kind, merged=False, old=head, new_identity=ident,
                                       old_identity=old["identity"], pub=part[i].pk, score=score,
                                       reason=f"not the only reading: the old row has {per_old[head]} candidate(s), "
                                              f"the new row {per_new[ident]}"))
        for ident in new:
            if ident not in chain_of:
                chain_of[ident] = ident
                chains[ident] = Chain(head=ident, identities=[ident])
                present.add(ident)
        for ident, row in rows.items():
            ch = chains[chain_of[ident]]
            if not ch.present or ch.present[-1] != i:
                ch.present.append(i)
            if ch.first is None:
                ch.first = row
            ch.rows.setdefault(i, row)
            ch.last = row
        prev_present = present

    # --- renewals and model switches: who replaced an agreement that left the list ---
    by_agency: dict[str, list[Chain]] = defaultdict(list)
    for ch in chains.values():
        by_agency[_canonical(agency_alias, ch.first["agency_identity"])].append(ch)
    final = len(part) - 1
    for group in by_agency.values():
        if len(group) < 2:
            continue
        for ch in group:
            if ch.present[-1] == final:
                continue
            removal = ch.present[-1] + 1
            renewals = [s for s in group if s is not ch and s.last["model"] == ch.last["model"]
                        and removal in s.present and s.present[0] > ch.present[0]
                        and (s.last["signed"] or date.min) > (ch.last["signed"] or date.min)]
            switches = [s for s in group if s is not ch and s.last["model"] != ch.last["model"]
                        and s.present[0] == removal]
            if len(renewals) == 1:
                ch.successor, ch.successor_kind = renewals[0].head, "renewal"
            elif not renewals and len(switches) == 1:
                ch.successor, ch.successor_kind = switches[0].head, "model_switch"

    # --- write agencies ---
    latest_by_agency: dict[str, dict] = {}
    for o in observations:  # in publication order, so the last one wins
        latest_by_agency[_canonical(agency_alias, o["agency_identity"])] = o
    if not FieldOffice.objects.exists():
        load_field_offices()  # shipped data, normally loaded by a migration; a flushed database lacks it
    offices = office_by_state(list(FieldOffice.objects.all()))
    existing_agencies = {a.key: a for a in Agency.objects.all()}
    new_agencies, changed_agencies = [], []
    for key, o in latest_by_agency.items():
        office = offices.get(o["state"])
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
        Agency.objects.bulk_update(changed_agencies, ["name", "state", "ice_type", "county", "field_office_id"],
                                   batch_size=500)
    agency_id = dict(Agency.objects.filter(key__in=latest_by_agency).values_list("key", "id"))

    # --- write agreements ---
    existing = {a.key: a for a in Agreement.objects.filter(key__in=chains)}
    new_agreements, changed = [], []
    agreement_fields = ["agency_id", "model", "signed", "template_version", "template_reason", "moa_link",
                        "moa_url", "addendum", "addendum_url", "first_listed_id", "last_listed_id", "status"]
    for head, ch in chains.items():
        last = ch.last
        template, reason = infer_template(last["model"], last["signed"])
        moa_link = (Agreement.MoaLink.LINKED if last["moa_url"] else
                    Agreement.MoaLink.NAMED if last["moa_text"] else Agreement.MoaLink.NONE)
        values = dict(
            agency_id=agency_id[_canonical(agency_alias, ch.first["agency_identity"])],
            model=last["model"], signed=last["signed"], template_version=template, template_reason=reason,
            moa_link=moa_link, moa_url=last["moa_url"],
            addendum=bool(last["addendum_text"] or "addendum" in last["moa_text"].lower()),
            addendum_url=last["addendum_url"],
            first_listed_id=part[ch.present[0]].pk, last_listed_id=part[ch.present[-1]].pk,
            status=(ACTIVE if ch.present[-1] == final else SUPERSEDED if ch.successor else REMOVED),
        )
        agreement = existing.get(head)
        if agreement is None:
            new_agreements.append(Agreement(key=head, template_inferred=True, **values))
            continue
        if not agreement.template_inferred:  # read from the MOA document itself: keep it
            values.pop("template_version"), values.pop("template_reason")
        if any(getattr(agreement, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(agreement, k, v)
            changed.append(agreement)
    Agreement.objects.bulk_create(new_agreements, batch_size=500)
    if changed:
        Agreement.objects.bulk_update(changed, agreement_fields, batch_size=300)
    agreement_id = dict(Agreement.objects.filter(key__in=chains).values_list("key", "id"))
    succ_changed = []
    for a in Agreement.objects.filter(key__in=chains).only("id", "key", "superseded_by_id"):
        want = agreement_id.get(chains[a.key].successor) if chains[a.key].successor else None
        if a.superseded_by_id != want:
            a.superseded_by_id = want
            succ_changed.append(a)
    if succ_changed:
        Agreement.objects.bulk_update(succ_changed, ["superseded_by_id"], batch_size=500)

    # --- applications (pending list) ---
    apps: dict[str, dict] = {}
    for o in pending_obs:
        key = f"{_canonical(agency_alias, o['agency_identity'])}:{o['model']}"
        o["application_key"] = key
        rec = apps.setdefault(key, dict(agency=_canonical(agency_alias, o["agency_identity"]), model=o["model"],
                                        first=o["publication_id"]))
        rec["last"] = o["publication_id"]
    listed_by_agency_model: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for ch in chains.values():
        agency_key = _canonical(agency_alias, ch.first["agency_identity"])
        listed_by_agency_model[(agency_key, ch.last["model"])].append((ch.present[0], ch.head))
    existing_apps = {a.key: a for a in Application.objects.filter(key__in=apps)}
    new_apps, changed_apps = [], []
    for key, rec in apps.items():
        listed = sorted(listed_by_agency_model.get((rec["agency"], rec["model"]), []))
        values = dict(agency_id=agency_id[rec["agency"]], model=rec["model"], first_listed_id=rec["first"],
                      last_listed_id=rec["last"],
                      agreement_id=agreement_id[listed[-1][1]] if listed else None,
                      closed_by_id=part[listed[0][0]].pk if listed else None,
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
        Application.objects.bulk_update(changed_apps, list(values), batch_size=500)
    application_id = dict(Application.objects.filter(key__in=apps).values_list("key", "id"))

    # --- link observations to what they are (only where the link changed) ---
    relink = []
    for o in observations:
        if o["publication_id"] in part_idx:
            want = (agreement_id[chain_of[o["identity"]]], None)
        else:
            want = (None, application_id[o["application_key"]])
        if (o["agreement_id"], o["application_id"]) != want:
            relink.append((*want, o["id"]))
    if relink:
        from django.db import connection

        table = connection.ops.quote_name(Observation._meta.db_table)
        with connection.cursor() as cur:
            cur.executemany(f"UPDATE {table} SET agreement_id = %s, application_id = %s WHERE id = %s", relink)

    # --- events and lineage candidates ---
    _write_events(chains, part, agreement_id, final)
    _write_candidates(candidates, chain_of, agreement_id)

    # Agreements and applications no longer backed by any row (merged into an earlier one after an
    # out-of-order import) go; anything another part of the system refers to stays.
    orphans = Agreement.objects.exclude(key__in=chains).filter(observations__isnull=True, first_listed__isnull=False)
    _delete_unreferenced(orphans)
    _delete_unreferenced(Application.objects.exclude(key__in=apps))
    _delete_unreferenced(Agency.objects.exclude(key__in=latest_by_agency).filter(
        agreements__isnull=True, applications__isnull=True, ori=""))
    return {"agencies": len(latest_by_agency), "agreements": len(chains), "applications": len(apps)}


def _delete_unreferenced(qs) -> None:
    from django.db.models import ProtectedError, RestrictedError

    for obj in qs:
        try:
            with transaction.atomic():
                obj.delete()
        except (ProtectedError, RestrictedError):
            pass


def _write_events(chains: dict[str, Chain], part: list, agreement_id: dict[str, int], final: int) -> None:
    K = AgreementEvent.Kind
    want: set[tuple] = set()
    pub_of = lambda i: part[i]  # noqa: E731

    def add(head, kind, when, pub, note):
        want.add((agreement_id[head], kind, when, pub.pk if pub else None, note[:2000]))

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
                note = f"ICE's list renamed “{old['name']}” to “{new['name']}” (same model and signing date)"
            else:
                note = f"ICE's list re-dated the signing date from {old['signed']} to {new['signed']}"
            add(ch.head, K.RENAMED, pub.published, pub, f"{note}; row {new['row']} of {pub.file_name}")
            if kind == "redate" and new["signed"]:
                add(ch.head, K.SIGNED, new["signed"], None, f"signing date as ICE lists it: {new['signed']}")
        prev = None
        for i in range(ch.present[0], final + 1):
            here = i in ch.present
            if prev is not None and here != prev:
                pub = pub_of(i)
                if here:
                    add(ch.head, K.RELISTED, pub.published, pub, f"listed again in {pub.file_name}")
                else:
                    if ch.successor:
                        s = chains[ch.successor]
                        how = "renewed" if ch.successor_kind == "renewal" else f"switched to {s.last['model']}"
                        note = (f"no longer listed: {how} — “{s.last['name']}” {s.last['model']} signed "
                                f"{s.last['signed']} replaces it")
                    else:
                        note = f"no longer on ICE's participating list from {pub.file_name}"
                        twin = _twin(ch, chains, i)
                        if twin:
                            note += (f"; a row of the same state, model and signing date stays listed as "
                                     f"“{twin.last['name']}” (likely a duplicate listing removed)")
                    add(ch.head, K.REMOVED, pub.published, pub, note)
            prev = here
        # The first publication in which ICE marks an addendum.
        for i in ch.present:
            row = ch.rows[i]
            if row["addendum_text"] or "addendum" in row["moa_text"].lower():
                pub = pub_of(i)
                add(ch.head, K.ADDENDUM, pub.published, pub,
                    "ICE lists an addendum" + (f": {row['addendum_url']}" if row["addendum_url"] else ""))
                break
        if ch.successor:
            s = chains[ch.successor]
            spub = pub_of(s.present[0])
            kind = K.RENEWAL if ch.successor_kind == "renewal" else K.MODEL_SWITCH
            verb = ("re-signed the same model" if kind == K.RENEWAL
                    else f"switched from {ch.last['model']} to {s.last['model']}")
            add(s.head, kind, s.last["signed"] or spub.published, spub,
                f"{verb}: replaces the agreement signed {ch.last['signed']} (“{ch.last['name']}”)")

    existing = list(AgreementEvent.objects.filter(agreement_id__in=agreement_id.values(), kind__in=DERIVED_KINDS)
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


def _twin(ch: Chain, chains: dict[str, Chain], i: int):
    """A different agreement listed in publication i with the same state, model, signing date, similar name."""
    last = ch.last
    best, best_score = None, 0.0
    for other in chains.values():
        if other is ch or i not in other.present:
            continue
        o = other.last
        if (o["state"], o["model"], o["signed"]) != (last["state"], last["model"], last["signed"]):
            continue
        score = fuzz.token_set_ratio(normalize(o["name"]), normalize(last["name"]))
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
    for row in LineageCandidate.objects.values_list("id", "kind", "merged", "old_id", "new_id", "old_identity",
                                                    "new_identity", "publication_id", "score", "reason"):
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
