"""Start-up of the command line against the libraries it stands on (issue 13).

    .venv/bin/python benchmarks/startup_bench.py [--runs N] [--compare-src DIR]

Each command runs as a fresh process, N times (default 7), interleaved (one run of each command in
turn, so that a change in the machine's load touches all of them alike), after one warm-up run of
each that is not counted (it fills the OS file cache and openimr's build cache). Prints the
median wall time of each and the two ratios against their targets:

- `openimr decide` on the seed case <= 1.6 x `python -c "import spacy"`;
- `openimr request` <= 4 x `python -c "import pydantic"`.

Exits 1 if a target is missed. The commands run with this interpreter and the `openimr` script
beside it, and inherit the environment. `--compare-src DIR` adds both openimr commands run with
`PYTHONPATH=DIR` (another checkout's `src`, e.g. `git archive` of an earlier commit), interleaved
with the rest, for a before/after figure under the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_CASE = ROOT / "examples" / "cases" / "massage-right-wrist.yaml"


def openimr_command() -> list[str]:
    script = Path(sys.executable).with_name("openimr")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openimr"]


COMMANDS: dict[str, list[str]] = {
    "import spacy": [sys.executable, "-c", "import spacy"],
    "import pydantic": [sys.executable, "-c", "import pydantic"],
    "openimr decide (seed case)": [*openimr_command(), "decide", str(SEED_CASE), "--no-store"],
    "openimr request": [*openimr_command(), "request", "Norco 10/325mg #60"],
}
# (command, baseline, largest ratio allowed)
TARGETS = [
    ("openimr decide (seed case)", "import spacy", 1.6),
    ("openimr request", "import pydantic", 4.0),
]


def run_once(argv: list[str], pythonpath: str | None = None) -> float:
    env = os.environ.copy()
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)}: exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7, help="counted runs of each command")
    parser.add_argument("--compare-src", type=Path, help="also run openimr from this src tree")
    args = parser.parse_args()

    commands = {name: (argv, None) for name, argv in COMMANDS.items()}
    if args.compare_src:
        for name in ("openimr decide (seed case)", "openimr request"):
            commands[f"{name} [{args.compare_src}]"] = (COMMANDS[name], str(args.compare_src))
    for argv, pythonpath in commands.values():
        run_once(argv, pythonpath)  # warm-up, not counted
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (argv, pythonpath) in commands.items():
            times[name].append(run_once(argv, pythonpath))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median of {args.runs} interleaved runs each (load average {load:.2f})\n")
    print("| command | median | min | max |\n|---|---|---|---|")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"| `{name}` | {medians[name]:.2f} s | {min(values):.2f} s | {max(values):.2f} s |")
    print("\n| target | ratio | limit | result |\n|---|---|---|---|")
    missed = 0
    for name, baseline, limit in TARGETS:
        ratio = medians[name] / medians[baseline]
        ok = ratio <= limit
        missed += not ok
        print(f"| `{name}` / `{baseline}` | {ratio:.2f} | {limit} | {'pass' if ok else 'FAIL'} |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
