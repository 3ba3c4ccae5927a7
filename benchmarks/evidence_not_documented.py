"""Where the engine's trace reads "not documented": criteria status counts over the dev letters.

    .venv/bin/python benchmarks/evidence_not_documented.py [DIR] [--dump FILE]

Blinds and re-decides every letter in DIR (default: the 120 dev letters' text files) exactly as
`openimr evaluate` does, and counts each criterion's status (met / not met / not documented),
overall and per criterion id. --dump writes one JSON line per not-documented criterion (letter,
item, criterion) for reading against the summary by hand. Reads no decision or rationale.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "dwc-imr-letters" / "txt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path, nargs="?", default=DEFAULT_DIR)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()

    from openimr.evaluation.redecide import decide_blinded_text
    from openimr.guidelines import load_knowledge_base

    kb = load_knowledge_base()
    status: Counter[str] = Counter()
    not_documented: Counter[str] = Counter()
    items = 0
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    start = time.perf_counter()
    for path in sorted(args.directory.glob("*.txt")):
        for item in decide_blinded_text(path.read_text(encoding="utf-8"), path.name, kb):
            items += 1
            for c in item.criteria:
                status[c.status] += 1
                if c.status == "not_documented":
                    not_documented[c.criterion_id] += 1
                    if dump:
                        dump.write(
                            json.dumps(
                                {
                                    "letter": path.name,
                                    "item": item.treatment,
                                    "criterion": c.criterion_id,
                                    "description": c.description,
                                }
                            )
                            + "\n"
                        )
    if dump:
        dump.close()
    total = sum(status.values())
    print(f"- {items} items, {total} criteria checked in {time.perf_counter() - start:.1f} s")
    for name in ("met", "not_met", "not_documented"):
        print(f"- {name}: {status[name]} ({100 * status[name] / max(total, 1):.1f}%)")
    print("\n| criterion | not documented |\n|---|---|")
    for criterion, count in not_documented.most_common(25):
        print(f"| {criterion} | {count} |")


if __name__ == "__main__":
    main()
