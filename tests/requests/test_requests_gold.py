"""Per-field precision/recall/F1 on the hand-checked dev gold (299 items of the dev letters)."""

from __future__ import annotations

from pathlib import Path

from openimr.requests import parse_request
from openimr.requests.scoring import CONTRACT_FIELDS, load_gold, score

GOLD = Path(__file__).parents[1] / "data" / "requests_gold.jsonl"

# Floors a little below the measured figures (docs/benchmarks/requests.md), so regressions fail.
F1_FLOOR = 0.97
CATEGORY_ACCURACY_FLOOR = 0.98


def test_gold_file_covers_every_dev_item() -> None:
    rows = load_gold(GOLD)
    assert len(rows) == 299
    assert all(set(CONTRACT_FIELDS) <= set(row) for row in rows)


def test_per_field_f1_on_dev_gold() -> None:
    rows = load_gold(GOLD)
    predicted = [parse_request(row["text"]).contract_dict() for row in rows]
    report = score(rows, predicted)
    print(f"\nitems {report['items']}  category accuracy {report['category_accuracy']:.4f}")
    for name, m in report["fields"].items():
        print(f"{name:20} P {m['precision']:.4f}  R {m['recall']:.4f}  F1 {m['f1']:.4f}")
    for miss in report["misses"]:
        print("MISS", miss)
    assert report["category_accuracy"] >= CATEGORY_ACCURACY_FLOOR
    for name, m in report["fields"].items():
        assert m["f1"] >= F1_FLOOR, (name, m)


def test_scoring_counts_errors() -> None:
    gold = [
        {
            "text": "a",
            "category": "imaging",
            "body_parts": ["knee"],
            "levels": [],
            "quantity": 5,
            "drug": None,
        }
    ]
    wrong = [
        {"category": "dme", "body_parts": ["knee", "hip"], "levels": [], "quantity": 6, "drug": "x"}
    ]
    report = score(gold, wrong)
    assert report["category_accuracy"] == 0.0
    assert report["fields"]["body_parts"]["fp"] == 1
    assert report["fields"]["quantity"]["f1"] == 0.0
    assert report["fields"]["drug"]["precision"] == 0.0
    assert len(report["misses"]) == 4
