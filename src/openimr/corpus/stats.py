"""Outcome rates with their uncertainty: the Wilson score interval for a binomial proportion."""

from __future__ import annotations

import math

from openimr.domain.precedent import CorpusStats, OutcomeCount, RateRow

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of k successes in n trials (Wilson 1927); (0, 1) when n == 0.

    Unlike the normal (Wald) interval it stays inside [0, 1] and is not degenerate at k = 0 or
    k = n, which matters for the small overturn counts of most groups."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"wilson_interval: need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate_row(count: OutcomeCount) -> RateRow:
    n = count.upheld + count.overturned
    low, high = wilson_interval(count.overturned, n) if n else (None, None)
    return RateRow(
        value=count.value,
        items=n,
        upheld=count.upheld,
        overturned=count.overturned,
        overturn_rate=round(count.overturned / n, 4) if n else None,
        ci_low=round(low, 4) if low is not None else None,
        ci_high=round(high, 4) if high is not None else None,
    )


def corpus_stats(counts: dict[str, list[OutcomeCount]], letters: int) -> CorpusStats:
    """Rates by each dimension, most items first (then by name), and over the whole corpus."""
    by = {
        dim: sorted((rate_row(c) for c in rows), key=lambda r: (-r.items, r.value))
        for dim, rows in counts.items()
    }
    category = counts.get("category", [])
    total = rate_row(
        OutcomeCount(
            value="all",
            upheld=sum(c.upheld for c in category),
            overturned=sum(c.overturned for c in category),
        )
    )
    return CorpusStats(
        letters=letters,
        items=total.items,
        upheld=total.upheld,
        overturned=total.overturned,
        overturn_rate=total.overturn_rate,
        ci_low=total.ci_low,
        ci_high=total.ci_high,
        by=by,
    )
