"""Cost of one store action (one transaction with its audit entry), SQLite vs PostgreSQL, no HTTP.

    .venv/bin/python benchmarks/store_actions.py [--cases 200] [--pg-url URL]

Each case goes add -> eligible -> assign -> records_complete -> draft -> sign -> issued, plus one
audited view; then the whole audit log is verified. Without --pg-url (or OPENIMR_BENCH_PG_URL)
a throwaway PostgreSQL cluster is started (see store_concurrency.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_concurrency import stand_in_decide, start_postgres  # noqa: E402


def run(url: str, cases: int) -> dict:
    from openimr.domain import Case
    from openimr.store import open_store

    template = json.loads(
        json.dumps(
            {
                "application_received": "2015-01-10",
                "injury": {"date": "2013-05-01", "body_parts": ["wrist"]},
                "ur_decision": {
                    "date": "2015-01-02",
                    "items": [{"treatment": "Massage therapy x6"}],
                },
                "disputed_items": [{"id": "1", "text": "Massage therapy 6 sessions"}],
                "records": [
                    {
                        "id": f"r{i}",
                        "type": "pr2",
                        "date": "2014-12-01",
                        "text": "Wrist pain. " * 200,
                    }
                    for i in range(5)
                ],
            }
        )
    )
    start = time.perf_counter()
    store = open_store(url)
    opened = time.perf_counter() - start
    timings: dict[str, list[float]] = defaultdict(list)

    def timed(name: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        timings[name].append((time.perf_counter() - t) * 1000)
        return out

    for i in range(cases):
        case = Case.model_validate({**template, "case_number": f"CM97-{i + 1:07d}"})
        n = case.case_number
        timed("add_case", store.add_case, case, "bench")
        timed("transition", store.transition, n, "eligible", "bench")
        timed("assign", store.assign, n, "R-1", "bench")
        timed(
            "transition", store.transition, n, "records_complete", "bench", on=dt.date(2015, 2, 1)
        )
        timed("save_determination", store.save_determination, stand_in_decide(case, None), "bench")
        timed("sign", store.sign, n, "R-1", "reviewer:R-1")
        timed("transition", store.transition, n, "issued", "bench")
        timed("get_case", store.get_case, n, "bench")
    timed("list_cases", store.list_cases, "bench")
    result = timed("verify_audit_log", store.verify_audit_log)
    store.close()
    return {
        "open_and_migrate_ms": round(opened * 1000, 1),
        "audit_entries": result.entries,
        "audit_ok": result.ok,
        "ms": {
            k: {"n": len(v), "p50": round(statistics.median(v), 2), "max": round(max(v), 2)}
            for k, v in timings.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--pg-url", default=os.environ.get("OPENIMR_BENCH_PG_URL"))
    args = parser.parse_args()
    stop = None
    pg = args.pg_url
    if not pg:
        pg, stop = start_postgres()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = {
                "sqlite": run(f"sqlite:///{tmp}/bench.db", args.cases),
                "postgresql": run(pg, args.cases),
            }
    finally:
        if stop:
            stop()
    print(json.dumps(out, indent=2))
    return 0 if all(r["audit_ok"] for r in out.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
