"""`make bench`: every benchmark script in turn (figures go into BENCHMARKS.md by hand)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ["requests_bench.py"],
    ["guidelines_search_bench.py"],
    ["guidelines_coverage_bench.py"],
    ["evidence_bench.py"],
    ["function_words_bench.py"],
    ["letters_bench.py"],
    ["letters_audit_precision.py"],
    ["reviewers_bench.py"],
    ["formulary_bench.py"],
    ["render_bench.py"],
    ["engine_evaluate_bench.py"],
    ["fit_overturn_likelihood.py", "--no-write"],
    ["requests_unseen_bench.py"],
    ["fuzz_bench.py"],
    ["timing_limits_bench.py"],
    ["startup_bench.py"],
    ["precedents_bench.py"],
    ["ui_bench.py"],
]

if __name__ == "__main__":
    failed = 0
    for script, *args in SCRIPTS:
        print(f"== {script}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / script), *args]) != 0
    sys.exit(1 if failed else 0)
