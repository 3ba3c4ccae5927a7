"""`openimr stats --plot`: overturn rate with its Wilson interval, one panel per dimension."""

from __future__ import annotations

from pathlib import Path

from openimr.domain.precedent import CorpusStats
from openimr.errors import InputError

PLOT_SUFFIXES = (".png", ".svg")
MAX_BARS = 12  # per panel: the largest groups; the rest would be unreadable slivers
_TITLES = {
    "category": "Category",
    "guideline": "Guideline document",
    "year": "Decision year",
    "specialty": "Reviewer specialty",
    "region": "Body region",
}


def plot_stats(stats: CorpusStats, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise InputError(f"--plot {path}: give a .png or .svg file name")
    # matplotlib is imported only to draw (about 0.5 s); Agg renders without a display
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    dims = [d for d in _TITLES if stats.by.get(d)]
    if not dims:
        raise InputError("stats: the corpus is empty; nothing to plot (run openimr corpus add)")
    heights = [min(len(stats.by[d]), MAX_BARS) for d in dims]
    fig, axes = plt.subplots(
        len(dims),
        1,
        figsize=(9, 1.2 + 0.32 * sum(heights) + 0.9 * len(dims)),
        gridspec_kw={"height_ratios": [h + 1.5 for h in heights]},
        squeeze=False,
    )
    for ax, dim in zip(axes[:, 0], dims, strict=True):
        rows = stats.by[dim][:MAX_BARS][::-1]  # largest group on top
        rates = [r.overturn_rate or 0.0 for r in rows]
        low = [rate - (r.ci_low or 0.0) for rate, r in zip(rates, rows, strict=True)]
        high = [(r.ci_high or 0.0) - rate for rate, r in zip(rates, rows, strict=True)]
        y = range(len(rows))
        ax.barh(y, rates, color="#4C72B0", height=0.6)
        ax.errorbar(rates, y, xerr=[low, high], fmt="none", ecolor="#333333", capsize=3, lw=1)
        ax.set_yticks(list(y), [f"{r.value} (n={r.items})" for r in rows], fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_title(_TITLES[dim], fontsize=10, loc="left")
        ax.grid(axis="x", alpha=0.3)
        if stats.overturn_rate is not None:
            ax.axvline(stats.overturn_rate, color="#C44E52", ls="--", lw=1)
    axes[-1, 0].set_xlabel("overturn rate (bars: 95% Wilson interval; dashed: whole corpus)")
    fig.suptitle(
        f"IMR outcomes: {stats.items} items in {stats.letters} letters,"
        f" {stats.overturned} overturned",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.985))  # room for the title above the first panel
    try:
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)
    return path
