"""g287 demo: clearly labelled synthetic operations data on the real agencies, and a demo login per role.

Deterministic (seeded; dates count back from the day it runs) and idempotent: an agency that already has demo
officers is left alone, and demo logins are created once. Everything goes through the services, so every
stored action carries the engine's decision and its real obligations, and every write is audited.
Labels: officer references start ``DEMO-``, subject references ``DEMO-S-``, complaint and inspection texts
say "Demonstration data"; officers, actions and complaints carry ``synthetic = true``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from g287.accounts.models import Assignment, Role, User
from g287.operations.models import Action, OfficerAccount, Obligation
from g287.operations.services import ActionInput, fulfil_obligation, record_reported
from g287.oversight.models import ReviewItem
from g287.oversight.services import complaints as cs
from g287.oversight.services import inspections as ins
from g287.oversight.services import reviews as rs
from g287.personnel import services as ps
from g287.personnel.models import Officer
from g287.policy.facts import FACT_NAMES
from g287.program.demo import fill as fill_program
from g287.registry.models import Agreement, FieldOffice

DEMO_PASSWORD = "demo-287g-program"  # the same local demonstration password as `g287 setup`; never for production
LABEL = "Demonstration data (synthetic)"
SEED = 287

ROLES = [
    ("demo-coordinator", Role.LEA_COORDINATOR, "LEA coordinator of {agency}"),
    ("demo-officer", Role.OFFICER, "designated officer {officer} of {agency}"),
    ("demo-supervisor", Role.SUPERVISOR, "ICE supervisor assigned to {n} demo agencies"),
    ("demo-inspector", Role.INSPECTOR, "OPR inspector assigned to {n} demo agencies"),
    ("demo-field-office", Role.FIELD_OFFICE, "ICE field office {field_office}"),
    ("demo-oversight", Role.OVERSIGHT, "oversight reader (aggregates only)"),
]

# Each action's facts in the order they are declared (g287.policy.facts.ACTION_FACTS), without the subject's
# reference: function, location, custody, charge, charge level, ICE designation, U.S. citizenship claim, warrant
# signed by ICE, and the two conditions of a warrantless arrest (reason to believe, likely to escape).
SPEC_FACTS = tuple(name for name in FACT_NAMES if name != "subject_ref")
ACTIONS = [
    ("screen", "lea_facility", True, "pending", "felony", False, False, True, False, False),
    ("interview", "lea_facility", True, "pending", "misdemeanor", False, False, True, False, False),
    ("issue_detainer", "lea_facility", True, "pending", "felony", False, False, True, False, False),
    ("issue_detainer", "lea_facility", True, "convicted", "misdemeanor", False, False, True, False, False),
    ("prepare_i213", "lea_facility", True, "pending", "felony", False, False, True, False, False),
    ("process", "lea_facility", True, "convicted", "felony", False, True, True, False, False),
    ("serve_arrest_warrant", "lea_facility", True, "pending", "misdemeanor", True, False, True, False, False),
    ("serve_removal_warrant", "lea_facility", True, "convicted", "felony", True, False, True, False, False),
    ("detain_transport", "lea_facility", True, "pending", "felony", False, False, True, False, False),
    ("warrantless_arrest", "field", False, "none", "infraction", False, False, True, True, False),
    ("issue_detainer", "lea_facility", True, "none", "infraction", False, False, True, False, False),
    ("serve_arrest_warrant", "field", False, "pending", "misdemeanor", True, False, False, False, False),
]

WSO_ACTIONS = [  # a Warrant Service Officer serves ICE's warrants on people in the agency's jail, and nothing else
    ("serve_arrest_warrant", "lea_facility", True, "pending", "felony", True, False, True, False, False),
    ("serve_removal_warrant", "lea_facility", True, "convicted", "misdemeanor", True, False, True, False, False),
]
TYPICAL = ACTIONS[:9]
AGAINST_THE_RULES = ACTIONS[9:]  # a warrantless arrest without both conditions, a detainer without a charge, …

COMPLAINTS = [
    ("es", "Demostración (datos sintéticos): el agente no ofreció intérprete durante la entrevista.", "language_access"),
    ("en", "Demonstration data (synthetic): held past the detainer's time limit.", "unlawful_detention"),
    ("es", "Demostración (datos sintéticos): trato irrespetuoso en la cárcel del condado.", "conduct"),
    ("en", "Demonstration data (synthetic): a U.S. citizen was asked for immigration papers.", "citizenship"),
]


def pick_agencies(n: int, rng: random.Random, today: date) -> list[Agreement]:
    """One agreement per agency, of every model, with a template and signed at least 90 days ago."""
    by_model: dict[str, list[Agreement]] = {}
    qs = (Agreement.objects.exclude(template_version="").exclude(signed=None)
          .filter(signed__lte=today - timedelta(days=90)).select_related("agency").order_by("key"))
    seen = set()
    for m in qs:
        if m.agency_id not in seen:
            by_model.setdefault(m.model, []).append(m)
            seen.add(m.agency_id)
    picked: list[Agreement] = []
    for model in ("JEM", "WSO", "TFM", "HYBRID"):
        pool = by_model.get(model, [])
        take = {"JEM": n // 2, "WSO": n // 3, "TFM": n - n // 2 - n // 3}.get(model, 0)
        picked += rng.sample(pool, min(take, len(pool)))
    return picked


class Command(BaseCommand):
    help = "Fill real agencies with labelled synthetic demo data and create a demo login per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=12, help="how many real agencies get demo data")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, agencies: int = 12, quiet: bool = False, **opts):
        today = timezone.localdate()
        rng = random.Random(SEED)
        picked = pick_agencies(agencies, rng, today)
        if not picked:
            self.stderr.write("No agreements with an MOA template in the registry: run `g287 setup` first.")
            return
        made = {"agencies": 0, "officers": 0, "actions": 0, "denied": 0, "complaints": 0, "inspections": 0,
                "reviews": 0}
        for i, m in enumerate(picked):
            if Officer.objects.filter(agency=m.agency, reference__startswith="DEMO-").exists():
                continue  # already filled: running again adds nothing
            with transaction.atomic():
                self._fill(m, i, random.Random(f"{SEED}:{m.key}"), today, made)
            made["agencies"] += 1
        users = self._users(picked, today)
        made["reviews"] += self._reviews(users, rng)
        # The program's facts around the demo (supervisors, classes, targets, costs, SCAAP), labelled the same way.
        with transaction.atomic():
            program = fill_program(picked, today, random.Random(f"{SEED}:program"))
        if not quiet:
            self.stdout.write(f"Demo data: {made['agencies']} agencies filled now ({len(picked)} in the demo), "
                              f"{made['officers']} officers, {made['actions']} actions ({made['denied']} not allowed), "
                              f"{made['complaints']} complaints, {made['inspections']} inspections, "
                              f"{made['reviews']} reviews decided; program facts added: "
                              + ", ".join(f"{n} {k}" for k, n in program.items()) + ".")
            self.stdout.write(self.style.SUCCESS(f"Demo logins (local use only; password {DEMO_PASSWORD}):"))
            for username, text in users["lines"]:
                self.stdout.write(f"  {username:18} {text}")
            self.stdout.write("  Staff roles (supervisor, inspector, field office) are asked for a one-time code: "
                              "`.venv/bin/g287 demo-code USERNAME` prints it.")

    # --- per agency -------------------------------------------------------------------------------------------

    def _fill(self, m: Agreement, index: int, rng: random.Random, today: date, made: dict) -> None:
        agency = m.agency
        trained_on = max(m.signed + timedelta(days=10), today - timedelta(days=400))
        officers = []
        for k in range(4):
            o = ps.nominate_officer(None, agency, f"DEMO-{k + 1:02d}", background_check="approved",
                                    lea_experience_years=rng.choice([3.0, 6.5, 12.0]), nominated=trained_on - timedelta(days=30),
                                    synthetic=True)
            if k < 3:  # the fourth officer was nominated but never trained: the engine refuses their actions
                ps.record_training(None, o, course="basic", model=m.model, completed=trained_on,
                                   exams=[rng.choice([78, 85, 92])])
                ps.grant_authorization(None, o, m, trained_on + timedelta(days=7))
            officers.append(o)
        made["officers"] += len(officers)
        first_day = trained_on + timedelta(days=8)
        span = max((today - first_day).days, 1)
        for n in range(14):
            typical = WSO_ACTIONS if m.model == "WSO" else TYPICAL
            spec = rng.choice(AGAINST_THE_RULES) if rng.random() < 0.12 else rng.choice(typical)
            officer = officers[3] if n == 13 else officers[rng.randrange(3)]
            day = today - timedelta(days=min(span, rng.choice([0, 1, 2, 5, 12, 30, 60]) + rng.randrange(3)))
            at = datetime.combine(day, time(rng.randint(7, 19), rng.choice([0, 15, 30, 45])))
            if at > datetime.now() - timedelta(hours=1):
                at = datetime.combine(day - timedelta(days=1), at.time())
            done = record_reported(None, officer, m, ActionInput(
                at=at, subject_ref=f"DEMO-S-{index:02d}{n:02d}", **dict(zip(SPEC_FACTS, spec))),
                external_ref=f"demo-{index:02d}-{n:02d}")
            Action.objects.filter(pk=done.action.pk).update(synthetic=True)
            made["actions"] += 1
            made["denied"] += not done.action.allowed
        # Most deadlines were met on time; a few were not, so the overdue lists have something real to show.
        now = timezone.now()
        for ob in Obligation.objects.filter(action__agreement=m, action__officer__in=officers).order_by("id"):
            if ob.due < now and rng.random() < 0.8:
                fulfil_obligation(None, ob, ob.action.at + (ob.due - ob.action.at) * rng.uniform(0.1, 0.9))
        for c in range(rng.choice([1, 1, 2])):
            lang, summary, allegation = COMPLAINTS[(index + c) % len(COMPLAINTS)]
            received = datetime.combine(today - timedelta(days=rng.randint(3, 50)), time(rng.randint(8, 17), 0))
            complaint = cs.receive_complaint(None, agency, received, summary=summary, synthetic=True,
                                             source="public_form" if lang == "es" else "phone", allegation=allegation,
                                             officer=officers[rng.randrange(3)], language=lang)
            if rng.random() < 0.7:
                cs.notify_ice(None, complaint, received + timedelta(hours=rng.randint(2, 30)))
            made["complaints"] += 1
        if index % 2 == 0:
            held = today - timedelta(days=rng.randint(20, 200))
            inspection = ins.record_inspection(None, agency, "inspection", held, agreement=m,
                                               summary=f"{LABEL}: OPR inspection of the agreement's operations.")
            finding = ins.add_finding(None, inspection, severity=rng.choice(["major", "minor", "observation"]),
                                      clause="MOA Article XI (Supervision)",
                                      description=f"{LABEL}: detainers were not always sent to the ICE supervisor "
                                                  "within the 24 hours the MOA sets.")
            if finding.severity != "observation":
                ca = ins.add_corrective_action(None, finding, description=f"{LABEL}: a daily detainer log checked "
                                                                          "by the shift sergeant.",
                                               due=held + timedelta(days=60))
                if rng.random() < 0.5 and held + timedelta(days=45) <= today:
                    ins.close_corrective_action(None, ca, held + timedelta(days=45), "Log in use since.")
            made["inspections"] += 1

    # --- logins -------------------------------------------------------------------------------------------------

    def _users(self, picked: list[Agreement], today: date) -> dict:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        home = next((m.agency for m in picked if m.agency.field_office_id), picked[0].agency)
        officer = Officer.objects.filter(agency=home, reference="DEMO-01").first()
        fo = home.field_office or FieldOffice.objects.order_by("code").first()
        watched = [m.agency for m in picked[:6]]
        lines, users = [], {}
        for username, role, text in ROLES:
            agency = home if role in (Role.LEA_COORDINATOR, Role.OFFICER) else None
            u, created = User.objects.get_or_create(username=username, defaults={
                "role": role, "agency": agency, "is_demo": True,
                "field_office": fo if role == Role.FIELD_OFFICE else None})
            if created:
                u.set_password(DEMO_PASSWORD)
                u.save()
            if u.needs_second_factor and not TOTPDevice.objects.filter(user=u, confirmed=True).exists():
                TOTPDevice.objects.create(user=u, name="demo authenticator", confirmed=True)
            if role == Role.OFFICER and officer is not None and not hasattr(u, "officer_account"):
                OfficerAccount.objects.get_or_create(user=u, defaults={"officer": officer})
            if role in (Role.SUPERVISOR, Role.INSPECTOR):
                kind = Assignment.Kind.SUPERVISION if role == Role.SUPERVISOR else Assignment.Kind.INSPECTION
                for ag in watched:
                    Assignment.objects.get_or_create(user=u, agency=ag, kind=kind,
                                                     defaults={"start": today - timedelta(days=730)})
            users[role] = u
            lines.append((username, text.format(agency=home.name, officer="DEMO-01", n=len(watched),
                                                field_office=getattr(fo, "name", "—"))))
        return {"lines": lines, **users}

    def _reviews(self, users: dict, rng: random.Random) -> int:
        """The demo supervisor signs most of the queue of their agencies and returns a few; once only."""
        sup = users[Role.SUPERVISOR]
        if ReviewItem.objects.filter(decided_by=sup).exists():
            return 0
        n = 0
        pending = list(rs.review_queue(sup))
        for k, item in enumerate(pending):
            if k % 3 == 2:
                continue  # left for the demo supervisor to decide
            if k % 7 == 0:
                rs.return_review(sup, item, "Demonstration: the subject reference is missing from the I-247A.")
            else:
                rs.sign_review(sup, item)
            n += 1
        return n
