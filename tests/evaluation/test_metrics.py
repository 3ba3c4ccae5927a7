from __future__ import annotations

import pytest

from openimr.evaluation.metrics import (
    agreement_metrics,
    auc,
    brier,
    calibration_table,
    confusion,
    likelihood_metrics,
)


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


def test_auc_counts_a_tie_as_half() -> None:
    truth = [True, True, False, False, False]
    scores = [0.8, 0.4, 0.4, 0.2, 0.4]
    # 0.8 beats all three upheld (3); 0.4 ties two and beats one (0.5 + 0.5 + 1): 5 of 6 pairs
    assert auc(truth, scores) == pytest.approx(5 / 6)
    assert auc(truth, [0.5] * 5) == 0.5
    assert auc([True, False], [0.1, 0.9]) == 0.0
    assert auc([False, False], [0.1, 0.9]) is None  # one class: nothing to rank


def test_brier_score_by_hand() -> None:
    assert brier([True, False], [0.8, 0.3]) == pytest.approx((0.2**2 + 0.3**2) / 2)
    assert brier([True, False], [1.0, 0.0]) == 0.0
    assert brier([], []) is None
    with pytest.raises(ValueError):
        brier([True], [0.1, 0.2])


def test_calibration_bins_of_equal_size_sorted_by_probability() -> None:
    probabilities = [0.9, 0.1, 0.2, 0.8, 0.05, 0.3, 0.4, 0.6, 0.5, 0.7]
    truth = [True, False, False, True, False, False, True, False, True, True]
    table = calibration_table(truth, probabilities, bins=5)
    assert [b.items for b in table] == [2] * 5
    assert [(b.low, b.high) for b in table][0] == (0.05, 0.1)
    assert table[0].mean_predicted == pytest.approx(0.075)
    # sorted: 0.05 F, 0.1 F | 0.2 F, 0.3 F | 0.4 T, 0.5 T | 0.6 F, 0.7 T | 0.8 T, 0.9 T
    assert [b.observed for b in table] == [0.0, 0.0, 1.0, 0.5, 1.0]
    figures = likelihood_metrics(truth, probabilities)
    assert figures["base_rate"] == 0.5 and figures["brier_base_rate"] == 0.25
