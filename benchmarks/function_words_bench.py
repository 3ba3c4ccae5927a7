"""How well the therapy-course reading of 9792.20 functional improvement tells function from pain.

`openimr.engine.checks.history.names_function` decides whether a sentence reporting an earlier therapy
course's benefit names a gain in function, activity or work. The held-out sentences in
tests/data/functional_improvement_heldout.jsonl were written and labelled by a helper that had not
seen the rule. Usage: .venv/bin/python benchmarks/function_words_bench.py
"""

from __future__ import annotations

import json
from pathlib import Path

from openimr.engine.checks.history import names_function

DATA = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "functional_improvement_heldout.jsonl"
)


def main() -> None:
    rows = [
        json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    tp = fp = fn = tn = 0
    wrong = []
    for row in rows:
        said = names_function(row["text"])
        truth = bool(row["functional"])
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
        tn += not said and not truth
        if said != truth:
            wrong.append((truth, row["text"]))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(
        f"{len(rows)} sentences: tp {tp}, fp {fp}, fn {fn}, tn {tn}; "
        f"precision {precision:.2f}, recall {recall:.2f}, accuracy {(tp + tn) / len(rows):.2f}"
    )
    for truth, text in wrong:
        print(f"  {'missed' if truth else 'false '}: {text}")


if __name__ == "__main__":
    main()
