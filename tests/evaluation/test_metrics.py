from __future__ import annotations

import pytest

from openimr.evaluation.metrics import agreement_metrics, confusion


def test_always_upheld_has_zero_kappa_and_recall() -> None:
    truth = ["Upheld"] * 88 + ["Overturned"] * 12
    m = agreement_metrics(truth, ["Upheld"] * 100)
    assert m["accuracy"] == 0.88
    assert m["kappa"] == 0.0
    assert m["overturn_recall"] == 0.0
    assert m["balanced_accuracy"] == 0.5
    assert m["overturn_precision"] is None  # we never said Overturned: precision is undefined


def test_known_confusion_matrix() -> None:
    truth = ["Upheld"] * 8 + ["Overturned"] * 4
    pred = ["Upheld"] * 6 + ["Overturned"] * 2 + ["Overturned"] * 3 + ["Upheld"]
    c = confusion(truth, pred)
    assert (c.upheld_upheld, c.upheld_overturned, c.overturned_upheld, c.overturned_overturned) == (
        6,
        2,
        1,
        3,
    )
    m = agreement_metrics(truth, pred)
    assert m["accuracy"] == pytest.approx(9 / 12, abs=1e-4)
    assert m["overturn_precision"] == pytest.approx(3 / 5, abs=1e-4)
    assert m["overturn_recall"] == pytest.approx(3 / 4, abs=1e-4)
    # p_o = 0.75; p_e = (4*5 + 8*7)/144 = 76/144
    assert m["kappa"] == pytest.approx((0.75 - 76 / 144) / (1 - 76 / 144), abs=1e-4)


def test_perfect_agreement() -> None:
    truth = ["Upheld", "Overturned", "Upheld"]
    m = agreement_metrics(truth, truth)
    assert m["kappa"] == 1.0 and m["macro_f1"] == 1.0


def test_one_class_only_leaves_kappa_undefined() -> None:
    m = agreement_metrics(["Upheld"] * 5, ["Upheld"] * 5)
    assert m["accuracy"] == 1.0
    assert m["kappa"] is None and m["balanced_accuracy"] is None and m["overturn_recall"] is None
