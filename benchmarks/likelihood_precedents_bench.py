"""Do the outcomes of similar past decisions add out-of-fold signal to the overturn likelihood?

For each of 5 folds grouped by letter (the same folds as `fit_overturn_likelihood.py`), a corpus is
built from the other folds' letters only. A test item's feature is the overturned share of its top-5
precedents in that corpus; a training item's is the same in that corpus less its own letter. The
likelihood model (the shipped terms) is fitted on the training folds with and without the feature,
and both are scored on the test fold. Every figure is out-of-fold.

    .venv/bin/python benchmarks/likelihood_precedents_bench.py [--letters DIR] [--k 5]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from fit_overturn_likelihood import (
    DEFAULT,
    FOLDS,
    INNER_FOLDS,
    SEED,
    TERMS,
    choose_lambda,
    dev_items,
    figures,
    fit,
    grouped_folds,
    predict,
)

from openimr.corpus.index import read_precedents
from openimr.corpus.precedents import precedent_overturn_share
from openimr.engine.likelihood import ModelTerm, features
from openimr.store import open_store
from openimr.store.precedents import PrecedentRepository


def _repository(letters: list[Path], folder: Path) -> PrecedentRepository:
    store = open_store(f"sqlite:///{folder / 'corpus.db'}")
    repo = PrecedentRepository(store)
    for path in letters:
        repo.add_letter(read_precedents(path), "bench")
    return repo


def _share(
    repo: PrecedentRepository, text: str, k: int, exclude: str | None, prior: float
) -> float:
    found = precedent_overturn_share(repo, text, k, exclude)
    return prior if found is None else found  # no precedent: the base rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=Path, default=DEFAULT)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()

    items, labels, files, cases = dev_items(args.letters)
    # the shipped model's terms (the draft outcome left out, as shipped)
    terms = [
        ModelTerm.model_validate({**t, "coefficient": 0.0})
        for t in TERMS
        if t["id"] != "draft_overturned"
    ]
    x = np.array([features(item, terms) for item in items], dtype=float)
    y = np.array(labels, dtype=float)
    prior = float(y.mean())
    oof_without = np.zeros(len(y))
    oof_with = np.zeros(len(y))
    for test in grouped_folds(files, FOLDS, SEED):
        train = np.setdiff1d(np.arange(len(y)), test)
        train_files = sorted({files[i] for i in train})
        with tempfile.TemporaryDirectory() as tmp:
            repo = _repository([args.letters / f for f in train_files], Path(tmp))

            feature = np.zeros(len(y))
            for i in test:  # its letter is not in this corpus
                feature[i] = _share(repo, items[i].treatment, args.k, None, prior)
            for i in train:
                feature[i] = _share(repo, items[i].treatment, args.k, cases[i], prior)
        xp = np.column_stack([x, feature])
        gtr = [files[i] for i in train]
        for matrix, oof in ((x, oof_without), (xp, oof_with)):
            lam = choose_lambda(matrix[train], y[train], gtr, INNER_FOLDS)
            oof[test] = predict(matrix[test], fit(matrix[train], y[train], lam))
    print(f"{len(y)} items, {int(y.sum())} overturned; top-{args.k} precedents, out-of-fold:")
    for label, oof in (("without precedents", oof_without), ("with precedents", oof_with)):
        f = figures(y, oof)
        print(f"  {label:20s} AUC {f['auc']:.3f}  Brier {f['brier']:.4f}")


if __name__ == "__main__":
    main()
