"""Agreement between our decisions and real reviewers': the figures `openimr evaluate` reports.

Overturned is the positive class: it is the rare and consequential outcome, so accuracy alone
(about 0.88 for "always Upheld") says little; kappa, balanced accuracy and overturn recall do.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

POSITIVE, NEGATIVE = "Overturned", "Upheld"


class Confusion(BaseModel):
    """Rows: the real decision; columns: ours."""

    upheld_upheld: int = 0
    upheld_overturned: int = 0
    overturned_upheld: int = 0
    overturned_overturned: int = 0

    @property
    def total(self) -> int:
        return (
            self.upheld_upheld
            + self.upheld_overturned
            + self.overturned_upheld
            + self.overturned_overturned
        )


def confusion(truth: Sequence[str], predicted: Sequence[str]) -> Confusion:
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions differ in length")
    c = Confusion()
    for t, p in zip(truth, predicted, strict=True):
        key = f"{t.lower()}_{p.lower()}"
        setattr(c, key, getattr(c, key) + 1)
    return c


def _ratio(num: float, den: float) -> float | None:
    """None when undefined (nothing to divide by), rather than a misleading 0."""
    return num / den if den else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _f1(precision: float | None, recall: float | None) -> float:
    p, r = (
        precision or 0.0,
        recall or 0.0,
    )  # an undefined precision contributes no F1 (as zero_division=0)
    return 2 * p * r / (p + r) if p + r else 0.0


def agreement_metrics(
    truth: Sequence[str], predicted: Sequence[str]
) -> dict[str, float | int | None]:
    """The figures of `openimr evaluate`; a figure that is undefined on these items is None."""
    c = confusion(truth, predicted)
    n = c.total
    tp, fn = c.overturned_overturned, c.overturned_upheld
    fp, tn = c.upheld_overturned, c.upheld_upheld
    accuracy = _ratio(tp + tn, n)
    recall_pos = _ratio(tp, tp + fn)
    recall_neg = _ratio(tn, tn + fp)
    precision_pos = _ratio(tp, tp + fp)
    precision_neg = _ratio(tn, tn + fn)
    balanced = None if recall_pos is None or recall_neg is None else (recall_pos + recall_neg) / 2
    # Cohen's kappa: observed agreement corrected for the agreement the two marginals give by chance;
    # undefined when chance agreement is already total (both raters used one and the same class)
    expected = _ratio((tp + fn) * (tp + fp) + (tn + fp) * (tn + fn), n * n)
    kappa = None
    if accuracy is not None and expected is not None and expected < 1:
        kappa = (accuracy - expected) / (1 - expected)
    return {
        "items": n,
        "accuracy": _round(accuracy),
        "balanced_accuracy": _round(balanced),
        "kappa": _round(kappa),
        "overturn_precision": _round(precision_pos),
        "overturn_recall": _round(recall_pos),
        "macro_f1": _round((_f1(precision_pos, recall_pos) + _f1(precision_neg, recall_neg)) / 2)
        if n
        else None,
    }


# Scores: how well a probability of Overturned ranks and calibrates against the real outcomes.


def auc(truth: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve: the chance that a random overturned item scores above a random
    upheld one, a tie counting half (the Mann-Whitney statistic). None with one class only."""
    if len(truth) != len(scores):
        raise ValueError("truth and scores differ in length")
    positives = [s for t, s in zip(truth, scores, strict=True) if t]
    negatives = [s for t, s in zip(truth, scores, strict=True) if not t]
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def brier(truth: Sequence[bool], probabilities: Sequence[float]) -> float | None:
    """Mean squared difference between the probability and the outcome (1 overturned, 0 upheld)."""
    if len(truth) != len(probabilities):
        raise ValueError("truth and probabilities differ in length")
    if not truth:
        return None
    return sum((p - float(t)) ** 2 for t, p in zip(truth, probabilities, strict=True)) / len(truth)


class CalibrationBin(BaseModel):
    low: float  # the lowest and highest probability in the bin
    high: float
    items: int
    mean_predicted: float
    observed: float  # the share of the bin's items that were overturned


def calibration_table(
    truth: Sequence[bool], probabilities: Sequence[float], bins: int = 5
) -> list[CalibrationBin]:
    """Items sorted by probability and cut into `bins` groups of (nearly) equal size: most
    probabilities are low, so equal-width bins would leave all but the first nearly empty."""
    if len(truth) != len(probabilities):
        raise ValueError("truth and probabilities differ in length")
    order = sorted(range(len(truth)), key=lambda i: probabilities[i])
    table: list[CalibrationBin] = []
    count = min(bins, len(order))
    for b in range(count):
        members = order[b * len(order) // count : (b + 1) * len(order) // count]
        probs = [probabilities[i] for i in members]
        table.append(
            CalibrationBin(
                low=round(min(probs), 4),
                high=round(max(probs), 4),
                items=len(members),
                mean_predicted=round(sum(probs) / len(probs), 4),
                observed=round(sum(bool(truth[i]) for i in members) / len(members), 4),
            )
        )
    return table


def likelihood_metrics(
    truth: Sequence[bool], probabilities: Sequence[float], bins: int = 5
) -> dict[str, object]:
    """AUC, Brier score (and the base rate's, for scale) and the calibration table."""
    rate = sum(map(bool, truth)) / len(truth) if truth else None
    figure = auc(truth, probabilities)
    score = brier(truth, probabilities)
    return {
        "items": len(truth),
        "auc": _round(figure),
        "brier": _round(score),
        "base_rate": _round(rate),
        "brier_base_rate": _round(rate * (1 - rate)) if rate is not None else None,
        "calibration": [b.model_dump() for b in calibration_table(truth, probabilities, bins)],
    }
