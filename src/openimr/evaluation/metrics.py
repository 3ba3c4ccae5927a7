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
