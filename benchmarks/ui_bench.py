"""Workbench page load on a warm server: the reviewer's case page of a 10-item case.

    .venv/bin/python benchmarks/ui_bench.py [--runs 100] [--no-corpus]

Starts `openimr serve` over a temp store (the development letters as the precedent corpus when
../shared is there, so each item's precedent panel runs a real search), files the seed's
massage case with ten disputed items, drafts it with the real engine, signs in as the assigned
reviewer and times GET /ui/cases/<n> (and the queue) after a warm-up. Target: p95 <= 200 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ui"))

from ui_server import (  # noqa: E402
    CASE_FILE,
    INTAKE_KEY,
    REVIEWER_KEY,
    api,
    eligible_reviewers,
    running_server,
)

LETTERS = REPO.parent / "shared" / "data" / "dwc-imr-letters" / "txt"
ITEMS = [
    "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist",
    "Chiropractic treatment 2 times a week for 4 weeks to the lumbar spine",
    "Acupuncture 6 sessions for the right wrist",
    "MRI of the right wrist without contrast",
    "Norco 10/325mg #60",
    "EMG/NCV of the bilateral upper extremities",
    "Physical therapy 2 times a week for 6 weeks for the right wrist",
    "TENS unit for home use",
    "Orthopedic hand surgery consultation",
    "Right wrist brace",
]


def ten_item_case(path: Path) -> str:
    data = yaml.safe_load(CASE_FILE.read_text(encoding="utf-8"))
    data["disputed_items"] = [{"id": f"item-{i}", "text": t} for i, t in enumerate(ITEMS, 1)]
    data["ur_decision"]["items"] = [{"treatment": t} for t in ITEMS]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return data["case_number"]


def timed(client: httpx.Client, url: str, runs: int) -> list[float]:
    for _ in range(10):  # warm-up
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        case_file = tmp / "ten-items.yaml"
        number = ten_item_case(case_file)
        with running_server(tmp, eligible_reviewers(case_file)) as server:
            corpus = not args.no_corpus and LETTERS.is_dir()
            if corpus:
                subprocess.run(
                    [sys.executable, "-m", "openimr", "corpus", "add", str(LETTERS), "--db", str(server.db)],
                    check=True, capture_output=True,
                )  # fmt: skip
            with case_file.open("rb") as handle:
                api(server, "POST", "/cases/upload", INTAKE_KEY, files={"file": ("c.yaml", handle)})
            api(server, "POST", f"/cases/{number}/screen", INTAKE_KEY)
            assigned = api(
                server,
                "POST",
                f"/cases/{number}/assign",
                INTAKE_KEY,
                json={"reviewer": server.reviewer},
            )
            assert assigned.status_code == 200, assigned.text
            api(server, "POST", f"/cases/{number}/records-complete", INTAKE_KEY)
            drafted = api(server, "POST", f"/cases/{number}/decide", REVIEWER_KEY, timeout=300)
            assert drafted.status_code == 200, drafted.text
            with httpx.Client(base_url=server.base) as client:
                form = client.get("/ui/login").text
                token = form.split('name="csrf_token" value="')[1].split('"')[0]
                client.post("/ui/login", data={"api_key": REVIEWER_KEY, "csrf_token": token})
                page = client.get(f"/ui/cases/{number}")
                assert page.status_code == 200 and page.text.count('class="card item"') == 10
                result = {
                    "items": 10,
                    "corpus_letters": 120 if corpus else 0,
                    "runs": args.runs,
                    "page_bytes": len(page.content),
                    "case_page": summary(timed(client, f"/ui/cases/{number}", args.runs)),
                    "queue": summary(timed(client, "/ui/", args.runs)),
                }
    print(json.dumps(result, indent=2))
    print(f"case page p95 {result['case_page']['p95_ms']} ms (target <= 200 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
