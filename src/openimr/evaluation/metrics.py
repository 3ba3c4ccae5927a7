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
        return self.upheld_upheld + self.upheld_overturned + self.overturned_upheld + self.overturned_overturned


def confusion(truth: Sequence[str], predicted: Sequence[str]) -> Confusion:
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions differ in length")
    c = Confusion()
    for t, p in zip(truth, predicted, strict=True):
        key = f"{t.lower()}_{p.lower()}"
        setattr(c, key, getattr(c, key) + 1)
    return c


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def agreement_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float | int]:
    c = confusion(truth, predicted)
    n = c.total
    tp, fn = c.overturned_overturned, c.overturned_upheld
    fp, tn = c.upheld_overturned, c.upheld_upheld
    accuracy = _ratio(tp + tn, n)
    recall_pos = _ratio(tp, tp + fn)
    recall_neg = _ratio(tn, tn + fp)
    precision_pos = _ratio(tp, tp + fp)
    precision_neg = _ratio(tn, tn + fn)
    f1_pos = _ratio(2 * precision_pos * recall_pos, precision_pos + recall_pos)
    f1_neg = _ratio(2 * precision_neg * recall_neg, precision_neg + recall_neg)
    # Cohen's kappa: observed agreement corrected for the agreement the two marginals give by chance
    expected = _ratio((tp + fn) * (tp + fp) + (tn + fp) * (tn + fn), n * n)
    kappa = _ratio(accuracy - expected, 1 - expected) if expected < 1 else 0.0
    return {
        "items": n,
        "accuracy": round(accuracy, 4),
        "balanced_accuracy": round((recall_pos + recall_neg) / 2, 4),
        "kappa": round(kappa, 4),
        "overturn_precision": round(precision_pos, 4),
        "overturn_recall": round(recall_pos, 4),
        "macro_f1": round((f1_pos + f1_neg) / 2, 4),
    }
