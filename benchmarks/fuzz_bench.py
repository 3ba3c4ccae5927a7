"""A fuzz campaign over every reader of outside input (issue 13): case files, reviewer panels,
letter text (parse, audit, to_case, blind), letter PDF bytes, request texts, and the HTTP API's
case intake (JSON body and file upload).

Every input must end in success or the documented error: an `OpenIMRError` with a one-line
message (for the API, any answer below 500). Anything else is a crash. The inputs are the
hypothesis strategies of tests/fuzz/fuzz_inputs.py, drawn many more times than the tests do.

Run: .venv/bin/python benchmarks/fuzz_bench.py [--examples N] [--only READER ...]
Prints a Markdown table; exits 1 if any reader crashed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "fuzz"))
sys.path.insert(0, str(REPO / "tests" / "api"))

import fuzz_inputs as fi  # noqa: E402
from api_testkit import INTAKE, KEYS, stand_in_services  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from openimr.api.app import create_app  # noqa: E402

logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")


@dataclass
class Tally:
    reader: str
    tried: int = 0
    crashes: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    kinds: dict[str, int] = field(default_factory=dict)  # traceback's last line -> count
    first_input: dict[str, str] = field(default_factory=dict)

    def crash(self, value: Any, why: str) -> None:
        self.crashes += 1
        self.kinds[why] = self.kinds.get(why, 0) + 1
        if why not in self.first_input:
            shown = repr(value)
            self.first_input[why] = shown[:200] + ("..." if len(shown) > 200 else "")


def last_line(exc: BaseException) -> str:
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def campaign(
    tally: Tally, strategy: st.SearchStrategy[Any], reader: Callable[[Any], None], n: int
) -> None:
    """Draw `n` inputs (no shrinking, no example database) and tally the crashes."""

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=True,  # the same inputs every run, so figures compare
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value: Any) -> None:
        tally.tried += 1
        start = time.perf_counter()
        try:
            reader(value)
        except Exception as exc:  # noqa: BLE001 - a crash is what we count
            tally.crash(value, last_line(exc))
        took = time.perf_counter() - start
        tally.seconds += took
        tally.slowest = max(tally.slowest, took)

    run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs per reader")
    parser.add_argument("--only", nargs="*", help="readers to run (default: all)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        app = create_app(
            f"sqlite:///{work / 'fuzz.db'}", api_keys=KEYS, services=stand_in_services()
        )
        # An unhandled exception reaches us with its traceback; a 5xx answer counts too.
        client = TestClient(app, raise_server_exceptions=True)

        def post_case(body: bytes) -> None:
            answer = client.post(
                "/cases", content=body, headers={**INTAKE, "Content-Type": "application/json"}
            )
            if answer.status_code >= 500:
                raise AssertionError(f"HTTP {answer.status_code}: {answer.text[:120]}")

        def upload_case(case: tuple[str, bytes]) -> None:
            suffix, data = case
            answer = client.post(
                "/cases/upload", files={"file": (f"case{suffix}", data)}, headers=INTAKE
            )
            if answer.status_code >= 500:
                raise AssertionError(f"HTTP {answer.status_code}: {answer.text[:120]}")

        readers: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]] = {
            "case files (load_case)": (
                fi.case_files(),
                lambda c: fi.read_case_file(work / f"case{c[0]}", c[1]),
            ),
            "panels (load_panel)": (
                fi.panel_files(),
                lambda p: fi.read_panel(work / f"panel{p[0]}", p[1]),
            ),
            "letter text (parse/audit/to_case/blind)": (fi.letter_inputs(), fi.read_letter_text),
            "letter PDF bytes (parse_letter)": (fi.pdf_inputs(), fi.read_pdf),
            "request texts (parse_request)": (fi.request_inputs(), fi.read_request),
            "API POST /cases (JSON)": (fi.case_bodies(), post_case),
            "API POST /cases/upload": (fi.case_files(), upload_case),
        }
        tallies = []
        for name, (strategy, reader) in readers.items():
            if args.only and not any(word.lower() in name.lower() for word in args.only):
                continue
            tally = Tally(name)
            campaign(tally, strategy, reader, args.examples)
            tallies.append(tally)
            print(f"{name}: {tally.tried} tried, {tally.crashes} crashes", file=sys.stderr)
        app.state.store.close()

    print("| reader | inputs tried | crashes | mean ms | slowest ms |\n|---|---:|---:|---:|---:|")
    for t in tallies:
        mean = 1000 * t.seconds / t.tried if t.tried else 0.0
        print(f"| {t.reader} | {t.tried} | {t.crashes} | {mean:.1f} | {1000 * t.slowest:.0f} |")
    for t in tallies:
        for why, count in sorted(t.kinds.items(), key=lambda kv: -kv[1])[:5]:
            print(f"\n- {t.reader}, {count} x `{why}`\n  first input: `{t.first_input[why]}`")
    return 1 if any(t.crashes for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
