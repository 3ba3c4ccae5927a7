"""Per-field precision/recall/F1 of parsed requests against a hand-annotated gold file.

List fields (body_parts, levels) are compared as sets per item and summed over items.
Scalar fields: a prediction counts when non-null and is correct when it equals the gold value
(numbers within 0.01). Category is always set, so it is reported as accuracy too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

LIST_FIELDS = ("body_parts", "levels")
SCALAR_FIELDS = (
    "category",
    "drug",
    "strength",
    "quantity",
    "frequency_per_week",
    "duration_weeks",
    "sessions",
    "laterality",
)
CONTRACT_FIELDS = SCALAR_FIELDS + LIST_FIELDS


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Gold rows from a JSONL file; lines starting with '#' are comments."""
    rows = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.lstrip().startswith("#"):
                rows.append(json.loads(line))
    return rows


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 0.01
    return a == b


def _f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def score(
    gold: Iterable[Mapping[str, Any]], predicted: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """Metrics per contract field, category accuracy, and the list of misses."""
    counts = {name: [0, 0, 0] for name in CONTRACT_FIELDS}  # tp, fp, fn
    misses: list[dict[str, Any]] = []
    items = category_right = 0
    for g, p in zip(gold, predicted, strict=True):
        items += 1
        category_right += g["category"] == p["category"]
        for name in LIST_FIELDS:
            gs, ps = set(g.get(name) or []), set(p.get(name) or [])
            counts[name][0] += len(gs & ps)
            counts[name][1] += len(ps - gs)
            counts[name][2] += len(gs - ps)
            if gs != ps:
                misses.append(
                    {"text": g["text"], "field": name, "gold": sorted(gs), "got": sorted(ps)}
                )
        for name in SCALAR_FIELDS:
            gv, pv = g.get(name), p.get(name)
            right = gv is not None and pv is not None and _equal(gv, pv)
            counts[name][0] += right
            counts[name][1] += pv is not None and not right
            counts[name][2] += gv is not None and not right
            if not (right or (gv is None and pv is None)):
                misses.append({"text": g["text"], "field": name, "gold": gv, "got": pv})
    return {
        "items": items,
        "category_accuracy": round(category_right / items, 4) if items else 0.0,
        "fields": {name: _f1(*counts[name]) for name in CONTRACT_FIELDS},
        "misses": misses,
    }
