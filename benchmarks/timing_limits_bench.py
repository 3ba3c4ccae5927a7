"""The speed limits that used to be test assertions (issue 13: no test reads a clock).

    .venv/bin/python benchmarks/timing_limits_bench.py [--repeat N]

Each check runs N times (default 5) in this process and reports the median against its target;
the behaviour of the same inputs is still tested in tests/ (named next to each check). Exits 1
if any median misses its target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from openimr.evidence import extract_text
from openimr.guidelines.loader import DATA_DIR, load_files
from openimr.requests import parse_request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "requests"))
from test_requests_robustness import LONG_REQUEST, PATHOLOGICAL  # noqa: E402

LETTERS = ROOT.parent / "shared" / "data" / "dwc-imr-letters" / "dwc_imr_letters_2016_2017.jsonl"


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    parse_request("warm up")  # the first call loads the lexicons
    extract_text("warm up")  # and the first extraction builds the pipeline
    with LETTERS.open(encoding="utf-8") as handle:
        summaries = [json.loads(line)["clinical_case_summary"] or "" for line in handle][:30]

    def extract_all() -> None:
        for summary in summaries:
            extract_text(summary)

    # (what, was the test, target in seconds, median seconds)
    rows: list[tuple[str, str, float, float]] = [
        (
            "guidelines: uncached load_files of every data file",
            "test_guidelines_loader::test_uncached_loading_reads_every_data_file",
            0.5,
            median_seconds(lambda: load_files(DATA_DIR), args.repeat),
        ),
        (
            "requests: a 10,000-character request",
            "test_requests_robustness::test_ten_thousand_characters_are_safe",
            2.0,
            median_seconds(lambda: parse_request(LONG_REQUEST), args.repeat),
        ),
    ]
    for text in PATHOLOGICAL:
        rows.append(
            (
                f"requests: pathological {text[:14]!r}... ({len(text)} chars)",
                "test_requests_robustness::test_pathological_inputs_are_read_safely",
                0.5,
                median_seconds(lambda text=text: parse_request(text), args.repeat),
            )
        )
    rows.append(
        (
            "evidence: extract_text per dev summary (first 30)",
            "test_gold_and_rules::test_summaries_yield_facts_whose_spans_point_into_the_summary",
            0.020,
            median_seconds(extract_all, args.repeat) / len(summaries),
        )
    )

    print(f"median of {args.repeat} runs each\n")
    print("| check | target | median | result |\n|---|---|---|---|")
    missed = 0
    for what, _test, target, seconds in rows:
        ok = seconds <= target
        missed += not ok
        print(
            f"| {what} | {1000 * target:.0f} ms | {1000 * seconds:.1f} ms | "
            f"{'pass' if ok else 'FAIL'} |"
        )
    print(f"\n{len(rows) - missed} of {len(rows)} within target")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
