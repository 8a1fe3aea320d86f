"""Policy benchmark: prints one JSON object.

Sections are functions returning a dict; ``main()`` merges them. The in-process section times
``evaluate`` one call at a time over varied facts (every model and template, allowed and denied).
"""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import date, datetime, timedelta

from g287.policy import (
    FUNCTIONS,
    Action,
    AgreementFacts,
    Authorization,
    Facts,
    OfficerFacts,
    Subject,
    Suspension,
    Termination,
    Training,
    evaluate,
    valid_pairs,
)


def varied_cases(n: int, seed: int = 287) -> list[tuple[Facts, Action]]:
    rnd = random.Random(seed)
    pairs = valid_pairs()
    cases = []
    for i in range(n):
        model, template = pairs[i % len(pairs)]
        signed = date(int(template) if template != "2019" else 2019, 3, 1)
        suspensions = (Suspension(rnd.choice(("ICE", "LEA")), signed + timedelta(days=rnd.randint(30, 900)),
                                  rnd.random() < 0.3, None),) if rnd.random() < 0.3 else ()
        terminations = (Termination(rnd.choice(("ICE", "LEA")), signed + timedelta(days=rnd.randint(30, 900))),) if rnd.random() < 0.2 else ()
        agreement = AgreementFacts(f"m{i}", "a", model, template, signed, None, suspensions, terminations, rnd.random() < 0.5)
        trainings = (Training("basic", model, signed + timedelta(days=10), tuple(rnd.choice((55, 70, 85, 95)) for _ in range(rnd.randint(0, 3)))),
                     Training("refresher", model, signed + timedelta(days=700)))
        officer = OfficerFacts(f"o{i}", "a" if rnd.random() < 0.95 else "b", rnd.random() < 0.97, "approved",
                               rnd.choice((1, 3, 10)), trainings,
                               (Authorization(f"m{i}", signed + timedelta(days=20)),))
        at = datetime.combine(signed + timedelta(days=rnd.randint(-10, 1000)), datetime.min.time()) + timedelta(minutes=rnd.randint(0, 1439))
        action = Action(rnd.choice(FUNCTIONS), at, rnd.choice(("lea_facility", "field")),
                        Subject(rnd.random() < 0.9, rnd.choice(("convicted", "pending", "none")), rnd.random() < 0.7, rnd.random() < 0.05),
                        rnd.random() < 0.95, rnd.random() < 0.8, rnd.random() < 0.8)
        cases.append((Facts(agreement, officer), action))
    return cases


def in_process(calls: int = 100_000) -> dict:
    cases = varied_cases(2_000)
    for f, a in cases:  # warm up
        evaluate(f, a)
    samples = []
    allowed = 0
    clock = time.perf_counter_ns
    for i in range(calls):
        f, a = cases[i % len(cases)]
        t0 = clock()
        d = evaluate(f, a)
        samples.append(clock() - t0)
        allowed += d.allowed
    samples.sort()
    return {
        "in_process": {
            "calls": calls,
            "allowed_share": round(allowed / calls, 3),
            "p50_us": round(samples[len(samples) // 2] / 1000, 2),
            "p95_us": round(samples[int(len(samples) * 0.95)] / 1000, 2),
            "mean_us": round(statistics.fmean(samples) / 1000, 2),
        }
    }


def bulk_audit() -> dict:
    """The bulk auditor vs the per-action path over generated actions (bench/audit_bulk.py)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from audit_bulk import bulk_audit as run

    return run()


SECTIONS = [in_process, bulk_audit]


def main() -> None:
    result: dict = {}
    for section in SECTIONS:
        result.update(section())
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
