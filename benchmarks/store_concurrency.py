"""50 concurrent clients deciding cases over HTTP against PostgreSQL (loopback only, bounded).

Phase 1, throughput: each client takes its own cases through the whole lifecycle over the API
(create, screen, assign, records complete, decide, sign as the assigned reviewer, issue).
Phase 2, contention: all clients race on the same few cases at once (records-complete, then
decide+sign); exactly one must win each step, the rest get 409, and no update is lost.
Then: every case's lifecycle history is complete, the audit log's hash chain verifies, and the
number of audit entries equals the number of audited requests that succeeded.

    .venv/bin/python benchmarks/store_concurrency.py [--pg-url URL] [--clients 50] [--cases 2]
        [--workers N]   # N > 1: runs `openimr serve --workers N` (real pipeline) as the server

Without --pg-url (or OPENIMR_BENCH_PG_URL) a throwaway PostgreSQL cluster is started in /tmp.
`decide` uses openimr.engine.pipeline.decide_case when the whole pipeline imports; otherwise a
stand-in determination (one Upheld item per disputed item) and the report says so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ADMIN = "bench-admin-key"
INTAKE = "bench-intake-key"


def reviewer_key(i: int) -> str:
    return f"bench-reviewer-key-{i:03d}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------ PostgreSQL


def start_postgres() -> tuple[str, callable]:  # type: ignore[valid-type]
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bindirs:
        sys.exit("no PostgreSQL found: pass --pg-url or install postgresql")
    bindir = bindirs[-1]
    root = Path(tempfile.mkdtemp(prefix="openimr-bench-pg-"))
    port = free_port()
    run_as = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if run_as:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(root / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(root / "data"),
            "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *run_as,
            str(bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "openimr_bench",
        ],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/openimr_bench", stop


# ------------------------------------------------------------------ the server


def stand_in_decide(case, reviewer):  # type: ignore[no-untyped-def]
    import datetime as dt

    from openimr.domain import Determination, ItemDetermination, TreatmentRequest

    return Determination(
        case_number=case.case_number,
        priority=case.priority,
        decision_date=dt.date.today(),
        clinical_case_summary="stand-in",
        engine_version="bench-stand-in",
        items=[
            ItemDetermination(
                item_id=i.id,
                treatment=i.text,
                outcome="Upheld",
                request=TreatmentRequest(text=i.text),
                rationale="stand-in",
                confidence=0.5,
            )
            for i in case.disputed_items
        ],
    )


def bench_reviewer(code: str):  # type: ignore[no-untyped-def]
    from openimr.domain import Reviewer

    return Reviewer(
        code=code,
        degree="MD",
        licenses=[{"state": "CA"}],
        board_certifications=["Physical Medicine & Rehabilitation"],
        specialties=["Physical Medicine & Rehabilitation"],
        years_in_practice=12,
        hours_per_week=40,
        capacity=1000,
    )


def pipeline_available() -> bool:
    try:
        from openimr.engine.pipeline import decide_case  # noqa: F401
        from openimr.guidelines import load_knowledge_base  # noqa: F401
        from openimr.letters.render import render_letter  # noqa: F401
    except ImportError:
        return False
    return True


def serve(url: str, port: int, clients: int) -> None:
    import uvicorn

    from openimr.api.app import create_app
    from openimr.api.services import Services

    keys = {ADMIN: "admin", INTAKE: "intake"}
    keys.update({reviewer_key(i): f"reviewer:R-{i:03d}" for i in range(clients)})
    # assignment screens every named reviewer: the bench's own panel, all qualified physiatrists
    panel = [bench_reviewer(f"R-{i:03d}") for i in range(clients)]
    services = (
        Services(panel=lambda: panel)
        if pipeline_available()
        else Services(panel=lambda: panel, decide=stand_in_decide)
    )
    app = create_app(url, api_keys=keys, services=services)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# ------------------------------------------------------------------ the clients


def case_body(number: str) -> dict:
    example = REPO / "examples" / "cases" / "massage-right-wrist.yaml"
    if example.exists():
        import yaml

        body = yaml.safe_load(example.read_text())
    else:
        body = {
            "application_received": "2015-01-10",
            "injury": {"date": "2013-05-01", "body_parts": ["wrist"]},
            "ur_decision": {"date": "2015-01-02", "items": [{"treatment": "Massage therapy x6"}]},
            "disputed_items": [{"id": "1", "text": "Massage therapy 6 sessions"}],
            "records": [{"id": "r1", "type": "pr2", "date": "2014-12-01", "text": "Wrist pain."}],
        }
    body["case_number"] = number
    # a different worker per case, else screening rightly finds duplicate applications
    body.setdefault("parties", {})["employee"] = f"Bench Worker {number}"
    body.pop("date_assigned", None)
    body.pop("decision_date", None)
    return json.loads(json.dumps(body, default=str))  # YAML dates -> ISO strings


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.audited_ok = 0  # successful requests that write one audit entry each

    def call(
        self,
        http,
        name: str,
        method: str,
        path: str,
        key: str,
        audited: int = 1,  # type: ignore[no-untyped-def]
        audited_on_refusal: int = 0,
        **kwargs,
    ) -> object:
        start = time.perf_counter()
        response = http.request(method, path, headers={"X-API-Key": key}, **kwargs)
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latency[name].append(elapsed)
            self.statuses[(name, response.status_code)] += 1
            if response.status_code < 300:
                self.audited_ok += audited
            else:
                self.audited_ok += audited_on_refusal
        return response


def run_case(rec: Recorder, base: str, client: int, number: str) -> None:
    import httpx

    reviewer = f"R-{client:03d}"
    with httpx.Client(base_url=base, timeout=120) as http:

        def ok(response) -> None:  # type: ignore[no-untyped-def]
            if response.status_code >= 300:
                raise RuntimeError(f"{number}: {response.request.url.path}: {response.text}")

        ok(rec.call(http, "create", "POST", "/cases", INTAKE, json=case_body(number)))
        # screen reads the case (view), compares possible duplicates, moves it: three entries
        ok(rec.call(http, "screen", "POST", f"/cases/{number}/screen", INTAKE, audited=3))
        ok(
            rec.call(
                http,
                "assign",
                "POST",
                f"/cases/{number}/assign",
                INTAKE,
                json={"reviewer": reviewer},
                audited=2,  # the case is read for screening (a view), then assigned
            )
        )
        ok(rec.call(http, "records_complete", "POST", f"/cases/{number}/records-complete", INTAKE))
        ok(
            rec.call(
                http, "decide", "POST", f"/cases/{number}/decide", reviewer_key(client), audited=2
            )
        )
        ok(rec.call(http, "sign", "POST", f"/cases/{number}/sign", reviewer_key(client), audited=2))
        ok(rec.call(http, "issue", "POST", f"/cases/{number}/issue", INTAKE))


def race(rec: Recorder, base: str, clients: int, number: str) -> dict[str, Counter[int]]:
    """All clients at once on one case: records-complete, then decide+sign by its reviewer."""
    import httpx

    with httpx.Client(base_url=base, timeout=120) as http:
        for step, audited in (("create", 1), ("screen", 3)):
            path = "/cases" if step == "create" else f"/cases/{number}/screen"
            body = {"json": case_body(number)} if step == "create" else {}
            rec.call(http, step, "POST", path, INTAKE, audited=audited, **body)
        rec.call(
            http,
            "assign",
            "POST",
            f"/cases/{number}/assign",
            INTAKE,
            json={"reviewer": "R-000"},
            audited=2,
        )

    def attempt(step: str, path: str, key: str, audited: int) -> int:
        # a refused sign was still a (logged) view of the case; a refused move logs nothing
        refused = 1 if step == "sign" else 0
        with httpx.Client(base_url=base, timeout=120) as http:
            return rec.call(
                http, "race_" + step, "POST", path, key, audited=audited, audited_on_refusal=refused
            ).status_code

    outcome: dict[str, Counter[int]] = {}
    barrier = [
        ("records_complete", f"/cases/{number}/records-complete", INTAKE, 1),
        ("sign", f"/cases/{number}/sign", reviewer_key(0), 2),
    ]
    for step, path, key, audited in barrier:
        if step == "sign":  # one draft first, then everyone tries to sign it
            with httpx.Client(base_url=base, timeout=120) as http:
                rec.call(http, "decide", "POST", f"/cases/{number}/decide", key, audited=2)
        with ThreadPoolExecutor(max_workers=clients) as pool:
            codes = list(
                pool.map(lambda _, a=(step, path, key, audited): attempt(*a), range(clients))
            )
        outcome[step] = Counter(codes)
    return outcome


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=os.environ.get("OPENIMR_BENCH_PG_URL"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--cases", type=int, default=2, help="cases per client in phase 1")
    parser.add_argument("--races", type=int, default=3, help="contended cases in phase 2")
    parser.add_argument("--workers", type=int, default=1, help="API server processes")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # internal: run the server
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.clients)
        return 0

    stop = None
    url = args.pg_url
    if not url:
        url, stop = start_postgres()
    port = free_port()
    if args.workers > 1:  # the real `openimr serve --workers N` (needs the whole pipeline)
        keys = [f"admin={ADMIN}", f"intake={INTAKE}"]
        keys += [f"reviewer:R-{i:03d}={reviewer_key(i)}" for i in range(args.clients)]
        env = {**os.environ, "OPENIMR_API_KEYS": ",".join(keys)}
        env.pop("OPENIMR_API_KEYS_FILE", None)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "openimr",
                "serve",
                "--db",
                url,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            env=env,
        )
    else:
        server = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                url,
                "--port",
                str(port),
                "--clients",
                str(args.clients),
            ]
        )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        rec = Recorder()
        jobs = [
            (c, f"CM99-{c * 1000 + k + 1:07d}")
            for c in range(args.clients)
            for k in range(args.cases)
        ]
        errors: list[str] = []

        def job(item: tuple[int, str]) -> None:
            try:
                run_case(rec, base, *item)
            except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
                errors.append(str(exc)[:300])

        start = time.perf_counter()
        by_client: dict[int, list[str]] = defaultdict(list)
        for client, number in jobs:
            by_client[client].append(number)

        def client_loop(client: int) -> None:
            for number in by_client[client]:
                job((client, number))

        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(client_loop, range(args.clients)))
        wall = time.perf_counter() - start

        races = {}
        for r in range(args.races):
            races[f"CM98-{r + 1:07d}"] = race(rec, base, args.clients, f"CM98-{r + 1:07d}")

        # check: nothing lost, chain intact, one audit entry per audited success
        from openimr.store import open_store

        store = open_store(url)
        summaries = {s.case_number: s for s in store.list_cases("bench-check")}
        lost = [n for _, n in jobs if summaries.get(n) is None or summaries[n].state != "issued"]
        short_history = [n for _, n in jobs if len(store.get_case(n, "bench-check").events) != 7]
        race_ok = all(
            o["records_complete"][200] == 1
            and o["sign"][200] == 1
            and sum(o["records_complete"].values()) == args.clients
            and set(o["records_complete"]) <= {200, 409}
            and set(o["sign"]) <= {200, 409}
            for o in races.values()
        )
        race_states = {n: summaries[n].state for n in races}
        verification = store.verify_audit_log()
        # audit entries = what the requests logged + our own check reads (a list, a view per case)
        entries = verification.entries
        check_reads = 1 + len(jobs)
        expected_entries = rec.audited_ok + check_reads
        store.close()

        all_lat = [x for v in rec.latency.values() for x in v]
        report = {
            "pipeline": "openimr.engine.pipeline.decide_case"
            if pipeline_available()
            else "stand-in decide (pipeline not importable)",
            "clients": args.clients,
            "server_workers": args.workers,
            "cases": len(jobs),
            "requests": len(all_lat),
            "errors": len(errors),
            "first_errors": errors[:3],
            "phase1_wall_s": round(wall, 2),
            "cases_per_s": round(len(jobs) / wall, 2),
            "requests_per_s": round(len(jobs) * 7 / wall, 1),
            "latency_ms": {
                name: {
                    "n": len(v),
                    "p50": round(statistics.median(v) * 1000, 1),
                    "p95": round(percentile(v, 0.95) * 1000, 1),
                    "max": round(max(v) * 1000, 1),
                }
                for name, v in sorted(rec.latency.items())
            },
            "lost_updates": lost,
            "incomplete_histories": short_history,
            "races": {n: {k: dict(c) for k, c in o.items()} for n, o in races.items()},
            "race_one_winner_each": race_ok,
            "race_final_states": race_states,
            "audit_chain_ok": verification.ok,
            "audit_entries": entries,
            "audit_entries_expected": expected_entries,
            "statuses": {f"{k[0]} {k[1]}": v for k, v in sorted(rec.statuses.items())},
        }
        print(json.dumps(report, indent=2))
        healthy = (
            not errors
            and not lost
            and not short_history
            and race_ok
            and verification.ok
            and entries == expected_entries
        )
        return 0 if healthy else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        if stop:
            stop()


if __name__ == "__main__":
    sys.exit(main())
