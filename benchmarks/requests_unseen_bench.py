"""Blind benchmark for the request parser: benchmarks/data/requests_unseen.jsonl.

The texts and labels were written without reading the development letters, the parser's
lexicons or its code (see data/requests_unseen.README.md). Run from the project root:

    .venv/bin/python benchmarks/requests_unseen_bench.py [--json] [--misses N]

Reports category accuracy, per-field precision/recall/F1 and the category confusions.
List fields (body_parts, levels): micro F1 over elements (multiset).
Scalar fields: exact match; null-vs-null is no event, so
precision = correct non-null predictions / non-null predictions and
recall = correct non-null predictions / non-null gold.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from openimr.requests import parse_request
from openimr.requests.scoring import LIST_FIELDS, SCALAR_FIELDS

DATA = Path(__file__).resolve().parent / "data" / "requests_unseen.jsonl"
# the contract fields, as the dev benchmark scores them (category is scored on its own)
SCALARS = [f for f in SCALAR_FIELDS if f != "category"]
LISTS = list(LIST_FIELDS)


def _norm(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip().lower()
    return value


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "pred": n_pred,
        "gold": n_gold,
    }


def load(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(rows: list[dict]) -> dict:
    counts = {f: [0, 0, 0] for f in SCALARS + LISTS}  # tp, pred, gold
    correct_cat = 0
    confusions: Counter = Counter()
    misses = []
    field_misses: dict[str, list] = {f: [] for f in SCALARS + LISTS}
    for row in rows:
        pred = parse_request(row["text"]).contract_dict()
        if pred["category"] == row["category"]:
            correct_cat += 1
        else:
            confusions[(row["category"], pred["category"])] += 1
            misses.append(
                {"text": row["text"], "gold": row["category"], "predicted": pred["category"]}
            )
        for f in SCALARS:
            g, p = _norm(row.get(f)), _norm(pred.get(f))
            c = counts[f]
            if p is not None:
                c[1] += 1
            if g is not None:
                c[2] += 1
            if g is not None and p == g:
                c[0] += 1
            elif g != p:
                field_misses[f].append({"text": row["text"], "gold": g, "predicted": p})
        for f in LISTS:
            g = Counter(_norm(v) for v in row.get(f) or [])
            p = Counter(_norm(v) for v in pred.get(f) or [])
            c = counts[f]
            c[0] += sum((g & p).values())
            c[1] += sum(p.values())
            c[2] += sum(g.values())
            if g != p:
                field_misses[f].append(
                    {
                        "text": row["text"],
                        "gold": sorted(g.elements()),
                        "predicted": sorted(p.elements()),
                    }
                )
    n = len(rows)
    return {
        "n": n,
        "gold_categories": dict(Counter(r["category"] for r in rows).most_common()),
        "category_accuracy": round(correct_cat / n, 4) if n else 0.0,
        "category_correct": correct_cat,
        "fields": {f: _prf(*counts[f]) for f in SCALARS + LISTS},
        "confusions": [
            {"gold": g, "predicted": p, "count": k} for (g, p), k in confusions.most_common()
        ],
        "category_misses": misses,
        "field_misses": field_misses,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--misses", type=int, default=1000, help="category misses to list (text mode)")
    ap.add_argument(
        "--field-misses", type=int, default=0, help="per-field misses to list (text mode)"
    )
    args = ap.parse_args(argv)
    res = evaluate(load(args.data))
    if args.json:
        json.dump(res, sys.stdout, indent=2)
        print()
        return 0
    print(f"requests_unseen: {res['n']} texts")
    print(
        f"category accuracy: {res['category_accuracy']:.3f} ({res['category_correct']}/{res['n']})"
    )
    print(f"{'field':20} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'pred':>5} {'gold':>5}")
    for f, m in res["fields"].items():
        print(
            f"{f:20} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['tp']:5d} {m['pred']:5d} {m['gold']:5d}"
        )
    print("\ncategory confusions (gold -> predicted: count):")
    for c in res["confusions"]:
        print(f"  {c['gold']} -> {c['predicted']}: {c['count']}")
    print("\ncategory misses:")
    for m in res["category_misses"][: args.misses]:
        print(f"  [{m['gold']} -> {m['predicted']}] {m['text']}")
    if args.field_misses:
        for f, ms in res["field_misses"].items():
            if ms:
                print(f"\n{f} misses ({len(ms)}):")
                for m in ms[: args.field_misses]:
                    print(f"  gold={m['gold']!r} pred={m['predicted']!r}  {m['text'][:110]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
