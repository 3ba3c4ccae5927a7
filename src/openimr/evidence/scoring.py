"""Precision and recall of the extractor against hand-labelled sentences (tests/data/evidence_gold.jsonl).

A gold row: {"source": case number, "text": sentence(s), "facts": {kind: status}, "values": {...}}
with status "asserted", "negated" or "hypothetical" (or a list of them), and optionally "kinds": the
fact kinds the row was labelled for (a set labelled for some kinds only is scored on those). A prediction is the set of (kind, status)
pairs read from the text; derived chronicity (which needs a review date) is left out.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.evidence.extract import extract_text


def fact_status(fact: ClinicalFact) -> str:
    if fact.negated:
        return "negated"
    if fact.hypothetical or fact.family:
        return "hypothetical"
    return "asserted"


def predicted_pairs(facts: ClinicalFacts) -> set[tuple[str, str]]:
    return {
        (f.kind, fact_status(f))
        for f in facts.facts
        if f.attributes.get("derived_from") != "injury_date"
    }


def gold_pairs(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, status) pairs of a gold row; a status may be a list ("normal cervical and decreased
    lumbar range of motion": negated and asserted)."""
    pairs = []
    for kind, status in row["facts"].items():
        for one in status if isinstance(status, list) else [status]:
            pairs.append((kind, one))
    return pairs


def load_gold(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Per-kind and micro-averaged precision/recall, plus value accuracy and the misses."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    value_total = value_right = 0
    for row in rows:
        facts = extract_text(row["text"], record_id=row.get("source", "gold"))
        predicted = predicted_pairs(facts)
        gold = set(gold_pairs(row))
        if row.get("kinds"):
            labelled = set(row["kinds"])
            predicted = {pair for pair in predicted if pair[0] in labelled}
        for kind, _ in predicted & gold:
            tp[kind] += 1
        for kind, _ in predicted - gold:
            fp[kind] += 1
        for kind, _ in gold - predicted:
            fn[kind] += 1
        if predicted != gold:
            errors.append(
                {
                    "text": row["text"],
                    "missed": sorted(gold - predicted),
                    "spurious": sorted(predicted - gold),
                }
            )
        for kind, expected in (row.get("values") or {}).items():
            value_total += 1
            value_right += any(f.value == expected for f in facts.asserted(kind))
    kinds = sorted(set(tp) | set(fp) | set(fn))
    per_kind = {}
    for kind in kinds:
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
        per_kind[kind] = {
            "tp": tp[kind],
            "fp": fp[kind],
            "fn": fn[kind],
            "precision": round(p, 3),
            "recall": round(r, 3),
        }
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = total_tp / (total_tp + total_fp) if total_tp + total_fp else 0.0
    recall = total_tp / (total_tp + total_fn) if total_tp + total_fn else 0.0
    return {
        "per_kind": per_kind,
        "micro": {
            "tp": total_tp,
            "fp": total_fp,
            "fn": total_fn,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
        },
        "values": {"checked": value_total, "right": value_right},
        "errors": errors,
    }
