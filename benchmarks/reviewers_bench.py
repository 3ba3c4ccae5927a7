"""Benchmark: assign 10,000 synthetic cases across a 500-reviewer panel.

Usage: .venv/bin/python benchmarks/reviewers_bench.py [--cases 10000] [--reviewers 500] [--seed 7]

The panel and cases are generated from a fixed seed (generation is not timed).  Timed: building
the PanelIndex once, then `assign(case, index, requests)` for every case, which screens every
reviewer of the panel (qualification, conflicts against every party, specialty, capacity) and
ranks the eligible ones.  Parties are drawn from a pool of 2,000 organization and person names
written with random case, legal-form suffixes and typos, so name matching is exercised.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import string
import time

from openimr.domain.case import Case
from openimr.domain.request import BODY_PARTS, CATEGORIES, TreatmentRequest
from openimr.domain.reviewer import Reviewer
from openimr.reviewers import PanelIndex, assign, load_specialty_map

WORDS = [
    "golden",
    "state",
    "pacific",
    "sierra",
    "redwood",
    "bayview",
    "harbor",
    "coastal",
    "valley",
    "summit",
    "cedar",
    "liberty",
    "meridian",
    "orchard",
    "granite",
    "mission",
    "canyon",
    "delta",
    "vista",
    "oak",
    "pine",
    "river",
    "northern",
    "southern",
    "western",
    "eastern",
    "central",
    "united",
    "premier",
    "allied",
]
KINDS = (
    "insurance company",
    "claims services",
    "utilization review",
    "medical group",
    "surgery center",
    "pharmaceuticals",
    "growers cooperative",
    "law offices",
    "hospital",
)
FIRST = [
    "alan",
    "nina",
    "omar",
    "susan",
    "maria",
    "john",
    "jane",
    "peter",
    "lucia",
    "david",
    "sara",
    "kevin",
]
LAST = [
    "park",
    "patel",
    "haddad",
    "reed",
    "lopez",
    "smith",
    "nguyen",
    "garcia",
    "kim",
    "cohen",
    "rossi",
    "brown",
]


def variant(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.2:
        name = name.upper()
    elif roll < 0.3:
        i = rng.randrange(len(name))
        name = name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :]
    return name + rng.choice(["", "", " Inc.", ", LLC", " Corp"])


def make_pool(rng: random.Random, size: int) -> list[str]:
    pool: set[str] = set()
    while len(pool) < size:
        if rng.random() < 0.75:
            pool.add(
                f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {rng.choice(KINDS).title()}"
            )
        else:
            pool.add(f"{rng.choice(FIRST).title()} {rng.choice(LAST).title()}")
    return sorted(pool)


def make_panel(rng: random.Random, n: int, pool: list[str]) -> list[Reviewer]:
    smap = load_specialty_map()
    md = [name for name, row in smap.rows.items() if "MD" in row.degrees]
    panel = []
    for i in range(n):
        degree = rng.choice(["MD"] * 8 + ["DO", "DC", "PhD", "PT", "LAc"])
        own = [name for name, row in smap.rows.items() if degree in row.degrees] or md
        certs = rng.sample(own, k=min(len(own), rng.randint(1, 2)))
        capacity = rng.randint(4, 15)
        panel.append(
            Reviewer.model_validate(
                {
                    "code": f"B{i:04d}",
                    "degree": degree,
                    "licenses": [
                        {
                            "state": rng.choice(["CA", "TX", "NY", "FL"]),
                            "restricted": rng.random() < 0.03,
                        }
                    ],
                    "board_certifications": certs if degree in ("MD", "DO") else [],
                    "specialties": certs,
                    "years_in_practice": rng.choice([3, 8, 12, 20, 30]),
                    "hours_per_week": rng.choice([16, 30, 40, 50]),
                    "sanctions": ["probation"] if rng.random() < 0.02 else [],
                    "affiliations": [
                        {
                            "kind": rng.choice(
                                [
                                    "insurer",
                                    "medical_group",
                                    "employer",
                                    "facility",
                                    "claims_administrator",
                                    "manufacturer",
                                ]
                            ),
                            "name": rng.choice(pool),
                        }
                        for _ in range(rng.randint(0, 4))
                    ],
                    "capacity": capacity,
                    "current_load": rng.randint(0, capacity),
                }
            )
        )
    return panel


def make_cases(
    rng: random.Random, n: int, pool: list[str]
) -> list[tuple[Case, list[TreatmentRequest]]]:
    out = []
    for i in range(n):
        requests = []
        for _ in range(rng.randint(1, 3)):
            category = rng.choice(CATEGORIES)
            parts = rng.sample(BODY_PARTS, k=rng.randint(0, 2))
            requests.append(
                TreatmentRequest(text=f"item {category}", category=category, body_parts=parts)
            )
        start = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        case = Case.model_validate(
            {
                "case_number": f"CM16-{i:07d}",
                "priority": rng.choice(["regular"] * 9 + ["expedited"]),
                "application_received": start,
                "records_received": start + dt.timedelta(days=10),
                "injury": {"date": dt.date(2014, 1, 1)},
                "parties": {
                    "employee": variant(rng, rng.choice(pool)),
                    "employer": variant(rng, rng.choice(pool)),
                    "insurer": variant(rng, rng.choice(pool)),
                    "claims_administrator": variant(rng, rng.choice(pool)),
                    "ur_organization": variant(rng, rng.choice(pool)),
                    "ur_physician": variant(rng, rng.choice(pool)),
                    "treating_providers": [
                        {
                            "name": variant(rng, rng.choice(pool)),
                            "group": variant(rng, rng.choice(pool)),
                            "requesting": True,
                        }
                    ],
                    "attorney": variant(rng, rng.choice(pool)),
                    "facility": variant(rng, rng.choice(pool)),
                    "manufacturers": [variant(rng, rng.choice(pool))],
                },
                "ur_decision": {"date": start - dt.timedelta(days=5)},
                "disputed_items": [{"id": str(k), "text": r.text} for k, r in enumerate(requests)],
            }
        )
        out.append((case, requests))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--explain",
        type=int,
        default=1000,
        help="how many results to fully explain (timed separately)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = make_pool(rng, 2_000)
    panel = make_panel(rng, args.reviewers, pool)
    cases = make_cases(rng, args.cases, pool)

    w0, c0 = time.perf_counter(), time.process_time()
    index = PanelIndex.build(panel)
    w1, c1 = time.perf_counter(), time.process_time()
    chosen = eligible = excluded = 0
    results = []
    for case, requests in cases:
        result = assign(case, index, requests)
        chosen += result.chosen is not None
        eligible += len(result.eligible_codes)
        excluded += result.excluded_count
        results.append(result)
    w2, c2 = time.perf_counter(), time.process_time()
    sample = results[: args.explain]
    conflicts = 0
    for result in sample:  # build every explanation object (what `assign --json` prints)
        result.eligible  # noqa: B018
        conflicts += sum(1 for e in result.excluded if e.reasons[0].startswith("conflict"))
    w3, c3 = time.perf_counter(), time.process_time()
    n = len(cases)
    print(f"panel {len(panel)} reviewers, {n} cases, seed {args.seed}")
    print(f"index build: {w1 - w0:.3f} s wall, {c1 - c0:.3f} s CPU")
    print(
        f"assign all cases (screen every reviewer, rank, choose): {w2 - w1:.2f} s wall, "
        f"{c2 - c1:.2f} s CPU ({(c2 - c1) / n * 1000:.3f} ms CPU/case)"
    )
    print(f"total build + assign: {w2 - w0:.2f} s wall, {c2 - c0:.2f} s CPU")
    print(
        f"explanations (eligible + excluded objects) for {len(sample)} cases: {w3 - w2:.2f} s wall, "
        f"{c3 - c2:.2f} s CPU ({(c3 - c2) / max(1, len(sample)) * 1000:.2f} ms CPU/case)"
    )
    print(
        f"cases with a reviewer: {chosen}/{n}; eligible listed: {eligible}; excluded: {excluded}; "
        f"conflict-first exclusions in the explained sample: {conflicts}"
    )


if __name__ == "__main__":
    main()
