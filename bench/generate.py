"""A deterministic synthetic data set for benchmarks and tests: agencies, agreements, officers, actions.

Everything it writes is SYNTHETIC and labelled so (keys and references start with ``synthetic-`` / ``SYN-``,
``synthetic`` flags on officers and actions); it never stands for a real person or event. With the same
seed and sizes it produces the same rows.

- Agencies: the registry's real agencies when they have agreements with a template and a signing date
  (officers and actions added to them are still synthetic), else synthetic agencies and agreements.
- Officers with realistic histories: most pass the basic course first time, some need the remedial exam,
  a few fail twice; JEM officers take refreshers with some lapses; some authorizations are revoked; some
  agreements are suspended (lifted or not, exigent or not) or terminated by either party.
- History (``since``, off by default): a share of the real agencies also get SYNTHETIC earlier agreements, from
  ``since`` up to half a year before their first real one: the legacy 2016 JEM template (fixed term) before
  2019, then the 2019/2020 JEM or 2019 WSO template ended by the agency's termination notice. Their officers,
  trainings, actions, and whatever a benchmark adds from the signing dates on, then reach back to ``since``.
- Actions: mostly what the model delegates, done properly, with a share of mistakes (wrong place, no
  charge, unsigned warrant, acting before the authorization or after a lapse ...). Each is decided by the
  engine on the same facts ``personnel.facts.facts_for`` would gather, and stored with its decision,
  violations and obligations in bulk (``executemany`` on SQLite, ``COPY`` on PostgreSQL).

Usage: ``python bench/generate.py --actions 1000000 [--since 2016-11-01 --until 2026-10-31]`` (uses
DATABASE_URL / G287_VAR_DIR like ``g287``), or ``from bench.generate import generate``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta, timezone as dt_timezone

STATES = ["TX", "FL", "GA", "NC", "AL", "TN", "SC", "OK", "AZ", "LA", "IN", "MO", "VA", "OH", "PA", "NY", "CA", "WY"]
# (model, template, share of agreements); legacy ones are kept for history and expire.
AGREEMENT_MIX = [("JEM", "2025", 18), ("JEM", "2020", 10), ("JEM", "2019", 4), ("WSO", "2025", 22), ("WSO", "2019", 10),
                 ("TFM", "2025", 26), ("JEM", "2016", 4), ("TFM", "2013", 3), ("HYBRID", "2009", 3)]
SYNTHETIC = "synthetic-"
END = date(2026, 6, 30)


@dataclass
class Sizes:
    agencies: int = 40
    officers: int = 2000
    actions: int = 10_000
    seed: int = 287
    since: date | None = None  # earlier synthetic agreements of real agencies from this day (None: none)
    until: date = END  # the last day of generated activity
    history_share: float = 0.3  # the share of real agencies given an earlier history


@dataclass
class Generated:
    agencies: int = 0
    agreements: int = 0
    officers: int = 0
    trainings: int = 0
    authorizations: int = 0
    notices: int = 0
    actions: int = 0
    denied: int = 0
    violations: int = 0
    obligations: int = 0
    seconds: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)  # only with ``since``


def _rand_date(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _exams(rng: random.Random) -> list[int]:
    r = rng.random()
    if r < 0.84:
        return [rng.randint(70, 100)]
    if r < 0.95:
        return [rng.randint(40, 69), rng.randint(70, 100)]
    return [rng.randint(40, 69), rng.randint(40, 69)]  # failed twice: disqualified


def _agreements(rng: random.Random, n: int, actor, end: date = END):
    """Real agreements when the registry has usable ones, else synthetic agencies and agreements."""
    from g287.registry.models import Agency, Agreement

    real = list(Agreement.objects.select_related("agency").exclude(template_version="").exclude(signed=None)
                .order_by("id")[: n * 2])
    from g287.policy.rules import RULESETS
    real = [a for a in real if (a.model, a.template_version) in RULESETS]
    if real:
        return real
    weights = [w for *_, w in AGREEMENT_MIX]
    out = []
    agencies = []
    for i in range(n):
        agencies.append(Agency(key=f"{SYNTHETIC}agency-{i:05d}", name=f"SYNTHETIC Agency {i:05d}",
                               state=rng.choice(STATES), ice_type=rng.choice(["County", "Municipality", "State"]),
                               detention_agreement=rng.random() < 0.3))
    Agency.objects.bulk_create(agencies)
    agencies = list(Agency.objects.filter(key__startswith=f"{SYNTHETIC}agency-").order_by("key"))
    for ag in agencies:
        for _ in range(1 if rng.random() < 0.7 else 2):
            model, template, _w = rng.choices(AGREEMENT_MIX, weights)[0]
            if template in ("2009", "2013", "2016"):
                signed = _rand_date(rng, date(2009, 1, 1), date(2012, 6, 30))
                expires = signed + timedelta(days=3 * 365) if model == "JEM" else None
            else:
                start = {"2019": date(2019, 1, 1), "2020": date(2020, 1, 1), "2025": date(2025, 1, 20)}[template]
                signed = _rand_date(rng, start, min(end - timedelta(days=120), start + timedelta(days=500)))
                expires = None
            out.append(Agreement(key=f"{SYNTHETIC}{ag.key}-{model}-{template}-{len(out)}", agency=ag, model=model,
                                 template_version=template, template_inferred=False, signed=signed, expires=expires))
    Agreement.objects.bulk_create(out)
    return list(Agreement.objects.select_related("agency").filter(key__startswith=SYNTHETIC).order_by("key"))


HISTORY = "synthetic-history-"
HISTORY_NOTE = "SYNTHETIC: an earlier agreement made up for benchmarks; ICE never listed it"


def _history(rng: random.Random, agreements, since: date, share: float):
    """Earlier SYNTHETIC agreements for a share of the real agreements' agencies, from ``since`` to half a year
    before their first real agreement. Returns (agreements, termination notices, {agreement id: last day})."""
    from g287.policy.rules import RULESETS
    from g287.registry.models import Agreement, AgreementEvent

    first: dict[int, date] = {}
    agency = {}
    for a in agreements:
        first[a.agency_id] = min(first.get(a.agency_id, a.signed), a.signed)
        agency[a.agency_id] = a.agency
    made, ends = [], {}
    for ag_id in sorted(first):
        if rng.random() >= share:
            continue
        latest = first[ag_id] - timedelta(days=180)
        if latest - since < timedelta(days=365):
            continue
        # The first agency chosen starts on ``since`` itself, so the span is exactly the one asked for.
        day = since if not made else _rand_date(rng, since, latest - timedelta(days=365))
        while latest - day >= timedelta(days=90):
            if day < date(2019, 1, 1):  # the legacy template: a fixed term of three years
                model, template = "JEM", "2016"
                stop = min(day + timedelta(days=3 * 365), latest)
                expires = stop
            else:
                model, template = rng.choice([("JEM", "2019" if day.year == 2019 else "2020"), ("WSO", "2019")])
                stop, expires = latest, None
            key = f"{HISTORY}{agency[ag_id].key}-{model}-{template}-{day.isoformat()}"
            made.append(Agreement(key=key, agency_id=ag_id, model=model, template_version=template,
                                  template_inferred=False, template_reason=HISTORY_NOTE, signed=day, expires=expires))
            ends[key] = (stop, expires is None)
            day = stop + timedelta(days=rng.randint(1, 60))
    Agreement.objects.bulk_create(made)
    made = list(Agreement.objects.select_related("agency").filter(key__startswith=HISTORY).order_by("key"))
    notices, until = [], {}
    for a in made:
        stop, by_notice = ends[a.key]
        if by_notice:  # the agency ended it when its first real agreement came near
            rs = RULESETS[(a.model, a.template_version)]
            notice = stop - timedelta(days=rs.notice_days[("termination", "LEA")])
            notices.append(AgreementEvent(agreement=a, kind="termination", date=max(notice, a.signed), by="LEA",
                                          note="SYNTHETIC"))
            until[a.pk] = rs.effective("termination", "LEA", max(notice, a.signed))
        else:
            until[a.pk] = a.expires
    return made, notices, until


def _delegated_functions():
    from g287.policy.rules import RULESETS

    return {(str(m), t): sorted(rs.functions) for (m, t), rs in RULESETS.items()}


def generate(sizes: Sizes | None = None, *, actor=None, progress=None) -> Generated:
    """Write the synthetic data set into the configured database (Django must be set up)."""
    from django.db import connection, transaction

    from g287.audit.services import record
    from g287.registry import localtime
    from g287.personnel.facts import agreement_facts
    from g287.personnel.models import Authorization, ExamScore, Officer, Training
    from g287.policy import evaluate
    from g287.policy import facts as pf
    from g287.policy.facts import FUNCTIONS
    from g287.registry.models import AgreementEvent

    sizes = sizes or Sizes()
    rng = random.Random(sizes.seed)
    out = Generated()
    say = progress or (lambda *_: None)
    end = sizes.until  # the module's END unless asked otherwise
    t0 = time.perf_counter()
    with transaction.atomic():
        agreements = _agreements(rng, sizes.agencies, actor, end)
        history, history_notices, until = [], [], {}
        if sizes.since is not None:
            if any(a.key.startswith(SYNTHETIC) for a in agreements):
                raise ValueError("an earlier history is made for real agencies only; the registry has none")
            # A separate random stream: everything else is drawn exactly as without a history.
            history, history_notices, until = _history(random.Random(sizes.seed * 1000 + 16), agreements,
                                                       sizes.since, sizes.history_share)
            agreements = agreements + history
        by_agency = defaultdict(list)
        for a in agreements:
            by_agency[a.agency_id].append(a)
        agency_ids = sorted(by_agency)
        out.agencies, out.agreements = len(agency_ids), len(agreements)

        # Suspension and termination notices.
        events = []
        for a in agreements:
            if a.template_version in ("2009", "2013", "2016") or a.pk in until:
                continue
            r = rng.random()
            if r < 0.10:
                notice = _rand_date(rng, a.signed + timedelta(days=60), end)
                lifted = notice + timedelta(days=rng.randint(10, 120)) if rng.random() < 0.6 else None
                events.append(AgreementEvent(agreement=a, kind="suspension", date=notice, by=rng.choice(["ICE", "ICE", "LEA"]),
                                             exigent=rng.random() < 0.3, lifted=lifted, note="SYNTHETIC"))
            elif r < 0.15:
                notice = _rand_date(rng, a.signed + timedelta(days=90), end)
                events.append(AgreementEvent(agreement=a, kind="termination", date=notice, by=rng.choice(["ICE", "LEA"]),
                                             exigent=rng.random() < 0.2, note="SYNTHETIC"))
        events += history_notices
        AgreementEvent.objects.bulk_create(events)
        out.notices = len(events)
        if sizes.since is not None:
            out.history = {"since": sizes.since.isoformat(), "until": end.isoformat(),
                           "agencies": len({a.agency_id for a in history}), "agreements": len(history),
                           "templates": {f"{m} {t}": sum(1 for a in history if (a.model, a.template_version) == (m, t))
                                         for m, t in sorted({(a.model, a.template_version) for a in history})},
                           "first_signed": min(a.signed for a in history).isoformat() if history else None}

        # Officers, trainings and exams, authorizations.
        officers = []
        for i in range(sizes.officers):
            ag_id = agency_ids[i % len(agency_ids)]
            bg = rng.choices(["approved", "pending", "denied"], [96, 3, 1])[0]
            officers.append(Officer(agency_id=ag_id, reference=f"SYN-{sizes.seed}-{i:07d}", us_citizen=rng.random() < 0.985,
                                    background_check=bg, lea_experience_years=round(rng.uniform(1.5, 25), 1),
                                    synthetic=True))
        Officer.objects.bulk_create(officers, batch_size=2000)
        officers = list(Officer.objects.filter(reference__startswith=f"SYN-{sizes.seed}-").order_by("reference"))
        trainings, exam_rows, auths = [], [], []
        plan = []  # (officer, [(training, exams)], [authorization])
        for o in officers:
            mine = by_agency[o.agency_id]
            my_trainings, my_auths = [], []
            for a in mine:
                completed = _rand_date(rng, a.signed - timedelta(days=30), a.signed + timedelta(days=120))
                if rng.random() < 0.03:
                    completed = _rand_date(rng, a.signed, end)  # trained late: acted before certification
                my_trainings.append((Training(officer=o, course="basic", model=a.model, completed=completed), _exams(rng)))
                if a.model == "JEM":
                    c = completed
                    while True:
                        c = c + timedelta(days=rng.randint(600, 760))  # some refreshers come after the two years
                        if c > end or rng.random() < 0.15:
                            break
                        my_trainings.append((Training(officer=o, course="refresher", model="JEM", completed=c), [rng.randint(75, 100)]))
                granted = completed + timedelta(days=rng.randint(1, 30))
                revoked = reason = None
                if rng.random() < 0.05:
                    revoked = _rand_date(rng, granted, end)
                    reason = rng.choice(["SYNTHETIC: misconduct", "SYNTHETIC: training incomplete", "SYNTHETIC: complaint sustained"])
                my_auths.append(Authorization(officer=o, agreement=a, granted=granted, revoked=revoked,
                                              revocation_reason=reason or ""))
                if rng.random() < 0.04:  # re-authorized after a suspension revoked the first grant
                    my_auths.append(Authorization(officer=o, agreement=a, granted=_rand_date(rng, granted, end)))
            if rng.random() < 0.01:  # granted under another agency's agreement: never valid
                other = rng.choice(agreements)
                my_auths.append(Authorization(officer=o, agreement=other, granted=other.signed + timedelta(days=10)))
            plan.append((o, my_trainings, my_auths))
            trainings.extend(t for t, _ in my_trainings)
            auths.extend(my_auths)
        Training.objects.bulk_create(trainings, batch_size=5000)
        for _o, my_trainings, _a in plan:
            for t, exams in my_trainings:
                exam_rows.extend(ExamScore(training_id=t.pk, order=k, score=s) for k, s in enumerate(exams, 1))
        ExamScore.objects.bulk_create(exam_rows, batch_size=5000)
        Authorization.objects.bulk_create(auths, batch_size=5000)
        out.officers, out.trainings, out.authorizations = len(officers), len(trainings), len(auths)
        out.seconds["personnel"] = round(time.perf_counter() - t0, 2)
        say(f"personnel: {out.officers} officers, {out.trainings} trainings, {out.authorizations} authorizations")

        # The engine's facts, as facts_for would build them.
        ev_by_ag = defaultdict(list)
        for e in sorted(events, key=lambda e: (e.date, e.pk)):
            ev_by_ag[e.agreement_id].append(e)
        ag_facts = {a.pk: agreement_facts(a, ev_by_ag[a.pk]) for a in agreements}
        off_facts = {}
        for o, my_trainings, my_auths in plan:
            off_facts[o.pk] = pf.OfficerFacts(
                id=str(o.pk), agency_id=str(o.agency_id), us_citizen=o.us_citizen,
                background_check=pf.BackgroundCheck(o.background_check), lea_experience_years=float(o.lea_experience_years),
                trainings=tuple(pf.Training(course=t.course, model=pf.Model(t.model), completed=t.completed, exams=tuple(x))
                                for t, x in sorted(my_trainings, key=lambda p: (p[0].completed, p[0].pk))),
                authorizations=tuple(pf.Authorization(agreement_id=str(a.agreement_id), granted=a.granted, revoked=a.revoked)
                                     for a in sorted(my_auths, key=lambda a: (a.granted, a.pk))),
            )
        pairs = [(a.officer_id, a.agreement_id, a.granted) for _o, _t, my_auths in plan for a in my_auths]
        ag_by_id = {a.pk: a for a in agreements}
        zones = {a.pk: localtime.zone_for(a.agency.state) for a in agreements}
        delegated = _delegated_functions()
        facts_cache = {}

        t1 = time.perf_counter()
        rows, viol_rows, ob_rows = [], [], []
        base_id = _next_id(connection, "operations_action")
        now = datetime.now(dt_timezone.utc).replace(microsecond=0)
        warrant_fns = ("serve_arrest_warrant", "serve_removal_warrant")
        for k in range(sizes.actions):
            r = rng.random()
            if r < 0.97:
                off_id, ag_id, granted = pairs[rng.randrange(len(pairs))]
            else:  # acting with no authorization: mostly under the own agency's agreements, rarely another's
                o = officers[rng.randrange(len(officers))]
                pool = by_agency[o.agency_id] if r < 0.998 else agreements
                off_id, ag_id, granted = o.pk, pool[rng.randrange(len(pool))].pk, None
            ag = ag_by_id[ag_id]
            # Most actions come after the grant; a few before it, or before the signing.
            first = granted if granted is not None and rng.random() < 0.95 else ag.signed - timedelta(days=20)
            last = end if ag.expires is None else min(end, ag.expires + timedelta(days=60))
            if ag_id in until:
                last = min(last, until[ag_id] + timedelta(days=60))
            d = _rand_date(rng, first, last)
            at = datetime.combine(d, dtime(rng.randrange(24), rng.randrange(60)))
            fns = delegated[(ag.model, ag.template_version)]
            fn = rng.choice(fns) if rng.random() < 0.95 else rng.choice(FUNCTIONS)
            facility = ag.model in ("JEM", "WSO")
            mistake = rng.random() < 0.06
            location = "lea_facility" if (facility and not (mistake and rng.random() < 0.3)) or (not facility and rng.random() < 0.5) else "field"
            custody = location == "lea_facility" and not (mistake and rng.random() < 0.3)
            charge = rng.choices(["convicted", "pending", "none"], [35, 55, 10 if (mistake or not facility) else 0.5])[0]
            designated = ag.model == "WSO" or rng.random() < 0.3
            if ag.model == "WSO" and mistake and rng.random() < 0.3:
                designated = False
            usc = rng.random() < 0.01
            warrant = not (fn in warrant_fns and mistake and rng.random() < 0.3)
            rtb = fn == "warrantless_arrest" and (rng.random() < 0.9)
            lte = fn == "warrantless_arrest" and (rng.random() < 0.85)
            level = rng.choices(["felony", "misdemeanor", "infraction", ""], [40, 45, 5, 10])[0] if charge != "none" else ""
            key = (off_id, ag_id)
            facts = facts_cache.get(key)
            if facts is None:
                facts = facts_cache[key] = pf.Facts(agreement=ag_facts[ag_id], officer=off_facts[off_id])
            decision = evaluate(facts, pf.Action(function=fn, at=at, location=pf.Location(location),
                                                 subject=pf.Subject(in_lea_custody=custody, criminal_charge=pf.CriminalCharge(charge),
                                                                    ice_designated=designated, usc_claim=usc),
                                                 warrant_signed_by_ice=warrant, reason_to_believe=rtb, likely_to_escape=lte))
            aid = base_id + k
            zone = zones[ag_id]
            instant = localtime.split(at, zone)[1]
            rows.append((aid, off_id, ag_id, fn, instant, d, at.time(), location, f"SYN-S-{k:08d}", custody, charge, level,
                         designated, usc, warrant, rtb, lte, decision.allowed, not decision.allowed, now, True))
            if decision.allowed:
                for ob in decision.obligations:
                    ob_rows.append((aid, ob.code, localtime.split(ob.due, zone)[1], localtime.iso_local(ob.due), ob.message, ob.citation))
            else:
                out.denied += 1
                for v in decision.violations:
                    viol_rows.append((aid, v.code, v.message, v.citation))
        out.seconds["decide"] = round(time.perf_counter() - t1, 2)
        say(f"decided {len(rows)} actions in {out.seconds['decide']} s")
        t2 = time.perf_counter()
        _bulk_insert(connection, "operations_action",
                     ["id", "officer_id", "agreement_id", "function", "at", "local_date", "local_time", "location",
                      "subject_ref", "in_lea_custody", "criminal_charge", "charge_level", "ice_designated", "usc_claim",
                      "warrant_signed_by_ice", "reason_to_believe", "likely_to_escape", "allowed", "flagged_for_review",
                      "recorded", "synthetic"], rows)
        _bulk_insert(connection, "operations_actionviolation", ["action_id", "code", "message", "citation"], viol_rows)
        _bulk_insert(connection, "operations_obligation", ["action_id", "code", "due", "due_local", "message", "citation"], ob_rows)
        _reset_sequence(connection, "operations_action")
        out.seconds["insert"] = round(time.perf_counter() - t2, 2)
        out.actions, out.violations, out.obligations = len(rows), len(viol_rows), len(ob_rows)
        record(actor, "bench.generate_synthetic", "operations.action", f"{base_id}-{base_id + len(rows) - 1}", None,
               {"synthetic": True, "seed": sizes.seed, "agencies": out.agencies, "agreements": out.agreements,
                "officers": out.officers, "actions": out.actions, **({"history": out.history} if out.history else {})})
    out.seconds["total"] = round(time.perf_counter() - t0, 2)
    return out


def _next_id(connection, table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cur.fetchone()[0]


def _reset_sequence(connection, table: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _bulk_insert(connection, table: str, columns: list[str], rows: list[tuple], chunk: int = 50_000) -> None:
    """COPY on PostgreSQL, executemany in large chunks on SQLite."""
    if not rows:
        return
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        return
    marks = ", ".join(["?"] * len(columns))
    connection.ensure_connection()
    raw = connection.connection
    for i in range(0, len(rows), chunk):
        raw.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", map(_sqlite_row, rows[i:i + chunk]))


def _sqlite_value(v):
    # The text forms Django itself writes on SQLite (aware datetimes as naive UTC).
    if isinstance(v, datetime):
        return (v.astimezone(dt_timezone.utc).replace(tzinfo=None) if v.tzinfo else v).isoformat(" ")
    if isinstance(v, (date, dtime)):
        return v.isoformat()
    return v


def _sqlite_row(r):
    return tuple(_sqlite_value(v) for v in r)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agencies", type=int, default=40)
    p.add_argument("--officers", type=int, default=2000)
    p.add_argument("--actions", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=287)
    p.add_argument("--since", type=date.fromisoformat, default=None,
                   help="give a share of the real agencies SYNTHETIC earlier agreements from this day (YYYY-MM-DD)")
    p.add_argument("--until", type=date.fromisoformat, default=END, help="the last day of generated activity")
    p.add_argument("--history-share", type=float, default=0.3, help="the share of real agencies given a history")
    args = p.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
    import django

    django.setup()
    result = generate(Sizes(args.agencies, args.officers, args.actions, args.seed, args.since, args.until,
                            args.history_share), progress=lambda m: print(m, file=sys.stderr))
    data = dict(result.__dict__)
    if not data["history"]:
        data.pop("history")  # the output without a history is as it always was
    print(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
