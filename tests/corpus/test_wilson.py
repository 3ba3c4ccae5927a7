"""The Wilson score interval against values computed by hand (z = 1.96)."""

from __future__ import annotations

import pytest

from openimr.corpus.stats import corpus_stats, wilson_interval
from openimr.domain.precedent import OutcomeCount

# k, n -> (low, high), each worked out from
#   centre = (p + z^2/2n) / (1 + z^2/n),  half = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
HAND = {
    (5, 10): (0.2366, 0.7634),  # centre 0.5, half 1.96 * 0.18602 / 1.38415
    (0, 10): (0.0, 0.2775),  # high = z^2 / (n + z^2) = 3.8415 / 13.8415
    (10, 10): (0.7225, 1.0),
    (1, 20): (0.0089, 0.2361),  # centre 0.12251, half 0.11363
    (35, 299): (0.0854, 0.1584),  # centre 0.12192, half 0.03653
}


@pytest.mark.parametrize(("k", "n"), sorted(HAND))
def test_wilson_matches_hand_computed_values(k: int, n: int) -> None:
    low, high = wilson_interval(k, n)
    assert (round(low, 4), round(high, 4)) == HAND[(k, n)]


def test_wilson_without_trials_is_the_whole_range_and_bad_counts_are_refused() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match="k <= n"):
        wilson_interval(3, 2)


def test_corpus_stats_orders_groups_and_totals_the_categories() -> None:
    counts = {
        "category": [
            OutcomeCount(value="imaging", upheld=5, overturned=5),
            OutcomeCount(value="medication", upheld=20, overturned=0),
        ],
        "region": [OutcomeCount(value="spine", upheld=1, overturned=0)],
    }
    stats = corpus_stats(counts, letters=7)
    assert (stats.items, stats.upheld, stats.overturned, stats.letters) == (30, 25, 5, 7)
    assert [r.value for r in stats.by["category"]] == ["medication", "imaging"]
    imaging = stats.by["category"][1]
    assert (imaging.overturn_rate, imaging.ci_low, imaging.ci_high) == (0.5, 0.2366, 0.7634)
    out = stats.contract_dict()
    assert out["by_category"][1] == {
        "category": "imaging", "items": 10, "upheld": 5, "overturned": 5,
        "overturn_rate": 0.5, "ci_low": 0.2366, "ci_high": 0.7634,
    }  # fmt: skip
    assert out["by_region"][0]["region"] == "spine"
