"""Precision (and recall) per finding code of `openimr audit` against hand labels.

tests/data/audit_labels.jsonl holds, per letter, the findings judged true by reading the letter
(paths relative to the shared folder). Run:

    .venv/bin/python benchmarks/letters_audit_precision.py
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from openimr.letters.audit import CODES, audit
from openimr.letters.parse import parse_letter

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", ROOT / ".." / "shared")).resolve()
LABELS = ROOT / "tests" / "data" / "audit_labels.jsonl"


def score(
    labels_path: Path = LABELS, shared: Path = SHARED
) -> dict[str, dict[str, float | int | None]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        truth = {(f["code"], f["item"]) for f in row["findings"]}
        found = {(f.code, f.item) for f in audit(parse_letter(shared / row["letter"])).findings}
        for code, item in found:
            (tp if (code, item) in truth else fp)[code] += 1
        for code, _item in truth - found:
            fn[code] += 1
    out: dict[str, dict[str, float | int | None]] = {}
    for code in CODES:
        predicted = tp[code] + fp[code]
        actual = tp[code] + fn[code]
        out[code] = {
            "predicted": predicted,
            "true_positive": tp[code],
            "labelled": actual,
            "precision": round(tp[code] / predicted, 3) if predicted else None,
            "recall": round(tp[code] / actual, 3) if actual else None,
        }
    return out


def main() -> None:
    letters = len(LABELS.read_text(encoding="utf-8").splitlines())
    print(f"{letters} labelled letters ({LABELS.relative_to(ROOT)})")
    print(f"{'code':32} {'predicted':>9} {'TP':>4} {'labelled':>8} {'precision':>9} {'recall':>7}")
    for code, row in score().items():
        precision = "-" if row["precision"] is None else f"{row['precision']:.2f}"
        recall = "-" if row["recall"] is None else f"{row['recall']:.2f}"
        print(
            f"{code:32} {row['predicted']:>9} {row['true_positive']:>4} {row['labelled']:>8}"
            f" {precision:>9} {recall:>7}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
