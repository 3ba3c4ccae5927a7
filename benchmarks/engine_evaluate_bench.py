"""Time and score the whole engine on the dev letters, start-up included.

Runs `openimr evaluate DIR --json` as a fresh process for the PDF and the text folders and prints
wall time, items per second and the agreement figures (issue 5's done-when measures).

    .venv/bin/python benchmarks/engine_evaluate_bench.py [--letters DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "data" / "dwc-imr-letters"
KEYS = (
    "items",
    "accuracy",
    "balanced_accuracy",
    "kappa",
    "overturn_precision",
    "overturn_recall",
    "macro_f1",
    "citation_agreement",
    "citation_document_agreement",
)


def run(folder: Path) -> dict:
    exe = Path(sys.executable).with_name("openimr")
    start = time.perf_counter()
    out = subprocess.run(
        [str(exe), "evaluate", str(folder), "--json"], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    report = json.loads(out.stdout)
    report["wall_seconds"] = round(wall, 2)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=Path, default=DEFAULT)
    args = parser.parse_args()
    for sub in ("pdf", "txt"):
        report = run(args.letters / sub)
        m = report["metrics"]
        c = report["confusion"]
        print(
            f"{sub}: {report['wall_seconds']} s wall for {m['items']} items "
            f"({m['items'] / report['wall_seconds']:.0f} items/s, start-up included)"
        )
        print("  " + "  ".join(f"{k}={m[k]}" for k in KEYS))
        print(
            f"  confusion (reviewer x openimr): UU={c['upheld_upheld']} UO={c['upheld_overturned']} "
            f"OU={c['overturned_upheld']} OO={c['overturned_overturned']}"
        )
        causes: dict[str, int] = {}
        for d in report["disagreements"]:
            causes[d["cause"]] = causes.get(d["cause"], 0) + 1
        print(f"  disagreements by cause: {causes}")


if __name__ == "__main__":
    main()
