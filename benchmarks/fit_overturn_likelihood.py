"""Fit the overturn-likelihood model on the dev letters and report its out-of-fold figures.

Each dev letter is blinded and re-decided (as `openimr redecide` does); the features are read off
the decision trace only (engine.likelihood), the label is the reviewer's outcome. An L2-regularised
logistic regression (numpy, Newton steps; the intercept is not penalised) is scored by 5-fold
cross-validation grouped by letter (fixed seed), the regularisation strength being chosen inside
each training fold by an inner grouped 4-fold CV (nested), so no out-of-fold figure has seen its
letters. It is compared with the base rate and with the draft outcome alone. The model is then
fitted on all dev letters (strength chosen by grouped 5-fold CV on them) and written to
`src/openimr/knowledge/data/overturn_model.yaml`, with the letters it was fitted on beside it.

    .venv/bin/python benchmarks/fit_overturn_likelihood.py [--letters DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from openimr.domain.determination import ItemDetermination
from openimr.engine.likelihood import ModelTerm, features, load_model
from openimr.evaluation.metrics import auc, brier, calibration_table
from openimr.evaluation.redecide import decide_blinded_text, letter_files, letter_text
from openimr.guidelines import load_knowledge_base
from openimr.knowledge.tables import DATA_DIR
from openimr.letters.parse import parse_text

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "data" / "dwc-imr-letters" / "txt"
SEED = 14
FOLDS, INNER_FOLDS = 5, 4
LAMBDAS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)

# The terms, fixed before fitting: general properties of any trace. Categories are grouped by what
# the MTUS asks of them (a drug's own criteria; a course continued on functional improvement; a
# test justified by an indication; a procedure after failed conservative care; a referral or
# programme; equipment), medication being the reference group.
TERMS: list[dict] = [
    {"id": "intercept", "kind": "intercept", "description": "log-odds for a medication item with nothing else"},
    {"id": "draft_overturned", "kind": "draft_overturned", "description": "the engine's draft outcome is Overturned"},
    {"id": "required_met", "kind": "required_count", "status": "met", "cap": 3, "description": "required criteria met (up to 3)"},
    {"id": "required_not_met", "kind": "required_count", "status": "not_met", "cap": 2, "description": "required criteria not met (up to 2)"},
    {"id": "required_not_documented", "kind": "required_count", "status": "not_documented", "cap": 3, "description": "required criteria not documented (up to 3)"},
    {"id": "no_guideline", "kind": "no_guideline", "description": "no recommendation found"},
    {"id": "level_not_mtus", "kind": "level_not_mtus", "description": "the recommendation applied is below the MTUS level"},
    {"id": "partial_authorization", "kind": "partial_authorization", "description": "UR certified part of the request"},
    {"id": "course", "kind": "category_in", "categories": ["physical_medicine", "massage", "chiropractic", "acupuncture"], "description": "a course of therapy"},
    {"id": "diagnostic", "kind": "category_in", "categories": ["imaging", "electrodiagnostic", "laboratory"], "description": "a diagnostic test"},
    {"id": "procedure", "kind": "category_in", "categories": ["injection", "surgery"], "description": "an injection or operation"},
    {"id": "referral_or_programme", "kind": "category_in", "categories": ["consultation", "program", "psychological", "home_health"], "description": "a consultation, programme or home care"},
    {"id": "equipment_or_other", "kind": "category_in", "categories": ["dme", "other"], "description": "equipment, or a request not understood"},
]  # fmt: skip


def dev_items(folder: Path) -> tuple[list[ItemDetermination], list[bool], list[str], list[str]]:
    """Re-decided items, the reviewer's outcome (True: Overturned), letter file and case number."""
    kb = load_knowledge_base()
    items: list[ItemDetermination] = []
    labels: list[bool] = []
    files: list[str] = []
    cases: list[str] = []
    for path in letter_files([folder]):
        text = letter_text(path)
        truth = [
            i.decision
            for i in parse_text(text, source_name=path.name).items
            if i.decision in ("Upheld", "Overturned")
        ]
        ours = decide_blinded_text(text, path.name, kb)
        if len(truth) != len(ours):
            print(f"skipped {path.name}: {len(truth)} decided items, {len(ours)} re-decided")
            continue
        case_number = parse_text(text, source_name=path.name).case_number or path.stem
        for t, item in zip(truth, ours, strict=True):
            items.append(item)
            labels.append(t == "Overturned")
            files.append(path.name)
            cases.append(case_number)
    return items, labels, files, cases


def fit(x: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """L2-penalised logistic regression by Newton's method; column 0 (intercept) unpenalised."""
    penalty = np.full(x.shape[1], lam)
    penalty[0] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w


def predict(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w)))


def grouped_folds(groups: Sequence[str], k: int, seed: int) -> list[np.ndarray]:
    """Item indices of each fold; all items of a letter fall in one fold."""
    letters = sorted(set(groups))
    random.Random(seed).shuffle(letters)
    fold_of = {letter: i % k for i, letter in enumerate(letters)}
    return [np.array([i for i, g in enumerate(groups) if fold_of[g] == f]) for f in range(k)]


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def choose_lambda(x: np.ndarray, y: np.ndarray, groups: Sequence[str], k: int) -> float:
    """The strength with the lowest grouped-CV log loss (the larger one on a tie)."""
    folds = grouped_folds(groups, k, SEED + 1)
    losses = {}
    for lam in LAMBDAS:
        oof = np.zeros(len(y))
        for test in folds:
            train = np.setdiff1d(np.arange(len(y)), test)
            oof[test] = predict(x[test], fit(x[train], y[train], lam))
        losses[lam] = log_loss(y, oof)
    return min(LAMBDAS, key=lambda lam: (round(losses[lam], 6), -lam))


Scorer = Callable[[np.ndarray, np.ndarray, np.ndarray, list[str]], np.ndarray]


def out_of_fold(
    scorer: Scorer, x: np.ndarray, y: np.ndarray, groups: list[str]
) -> tuple[np.ndarray, list[float]]:
    oof = np.zeros(len(y))
    chosen: list[float] = []
    for test in grouped_folds(groups, FOLDS, SEED):
        train = np.setdiff1d(np.arange(len(y)), test)
        train_groups = [groups[i] for i in train]
        oof[test] = scorer(x[train], y[train], x[test], train_groups)
        chosen.append(getattr(scorer, "last_lambda", float("nan")))
    return oof, chosen


def model_scorer(columns: list[int]) -> Scorer:
    def score(xtr: np.ndarray, ytr: np.ndarray, xte: np.ndarray, gtr: list[str]) -> np.ndarray:
        lam = choose_lambda(xtr[:, columns], ytr, gtr, INNER_FOLDS)
        score.last_lambda = lam  # type: ignore[attr-defined]
        return predict(xte[:, columns], fit(xtr[:, columns], ytr, lam))

    return score


def base_rate(xtr: np.ndarray, ytr: np.ndarray, xte: np.ndarray, gtr: list[str]) -> np.ndarray:
    return np.full(len(xte), ytr.mean())


def draft_alone(column: int) -> Scorer:
    """The draft outcome as the only score: each fold's overturn rate among its drafts of that kind."""

    def score(xtr: np.ndarray, ytr: np.ndarray, xte: np.ndarray, gtr: list[str]) -> np.ndarray:
        rate = {v: ytr[xtr[:, column] == v].mean() for v in (0.0, 1.0)}
        return np.array([rate[v] for v in xte[:, column]])

    return score


def figures(y: np.ndarray, p: np.ndarray) -> dict:
    truth, probs = [bool(v) for v in y], [float(v) for v in p]
    return {
        "auc": auc(truth, probs),
        "brier": brier(truth, probs),
        "calibration": calibration_table(truth, probs, 5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=Path, default=DEFAULT)
    parser.add_argument("--no-write", action="store_true", help="report only")
    parser.add_argument(
        "--drop", action="append", default=[], metavar="TERM", help="fit without this term"
    )
    args = parser.parse_args()
    unknown = set(args.drop) - {t["id"] for t in TERMS} | ({"intercept"} & set(args.drop))
    if unknown:
        parser.error(f"--drop: no droppable term {sorted(unknown)[0]!r}")
    terms = [
        ModelTerm.model_validate({**t, "coefficient": 0.0})
        for t in TERMS
        if t["id"] not in args.drop
    ]
    items, labels, files, cases = dev_items(args.letters)
    x = np.array([features(item, terms) for item in items])
    y = np.array(labels, dtype=float)
    print(f"{len(set(files))} letters, {len(y)} items, {int(y.sum())} overturned")
    names = [t.id for t in terms]
    category_cols = [0] + [i for i, t in enumerate(terms) if t.kind == "category_in"]
    draft = [i for i, t in enumerate(terms) if t.kind == "draft_overturned"]
    no_draft = [i for i, t in enumerate(terms) if t.kind != "draft_overturned"]
    scorers: dict[str, Scorer] = {
        "base rate": base_rate,
        "draft outcome alone": draft_alone(draft[0] if draft else -1),
        "category group alone": model_scorer(category_cols),
        "model without the draft outcome": model_scorer(no_draft),
        "model (all terms)": model_scorer(list(range(len(terms)))),
    }
    if not draft:
        del scorers["draft outcome alone"], scorers["model without the draft outcome"]
    results = {}
    print(f"out-of-fold, {FOLDS} folds grouped by letter (seed {SEED}), strength by nested CV:")
    for name, scorer in scorers.items():
        oof, chosen = out_of_fold(scorer, x, y, files)
        results[name] = (oof, figures(y, oof), chosen)
        f = results[name][1]
        lam = "" if np.isnan(chosen[0]) else f"  (strength per fold {chosen})"
        # a constant ranks nothing: its pooled AUC only reflects which fold an item fell in
        figure = "  n/a" if scorer is base_rate else f"{f['auc']:.3f}"
        print(f"  {name:<34} AUC {figure}  Brier {f['brier']:.4f}{lam}")
    oof, full, _ = results["model (all terms)"]
    print("calibration of the model, out-of-fold (5 bins of equal size):")
    table_lines = []
    for b in full["calibration"]:
        line = f"{b.low:.3f}-{b.high:.3f}  n={b.items}  predicted {b.mean_predicted:.3f}  observed {b.observed:.3f}"
        table_lines.append(line)
        print(f"  {line}")
    lam = choose_lambda(x, y, files, FOLDS)
    w = fit(x, y, lam)
    insample = predict(x, w)
    print("by category: items, overturned, out-of-fold AUC / in-sample AUC (n/a: one class only)")
    for category in sorted({item.request.category for item in items}):
        rows = [i for i, item in enumerate(items) if item.request.category == category]
        truth = [bool(y[i]) for i in rows]
        both = any(truth) and not all(truth)
        oof_auc = f"{auc(truth, [float(oof[i]) for i in rows]):.3f}" if both else "n/a"
        in_auc = f"{auc(truth, [float(insample[i]) for i in rows]):.3f}" if both else "n/a"
        print(f"  {category:<18} {len(rows):>3} {sum(truth):>3}  {oof_auc} / {in_auc}")
    ins = figures(y, insample)
    print(f"final fit on all dev letters: strength {lam}")
    print(f"  in-sample AUC {ins['auc']:.3f}  Brier {ins['brier']:.4f}")
    for name, coef in zip(names, w, strict=True):
        print(f"  {name:<26} {coef:+.3f}")
    if args.no_write:
        return
    oof_note = (
        f"out-of-fold ({FOLDS} folds grouped by letter, seed {SEED}, L2 strength by nested CV): "
        f"AUC {full['auc']:.3f}, Brier {full['brier']:.4f} "
        f"(base rate Brier {results['base rate'][1]['brier']:.4f}"
        + (
            f"; draft outcome alone AUC {results['draft outcome alone'][1]['auc']:.3f}, "
            f"Brier {results['draft outcome alone'][1]['brier']:.4f}"
            if "draft outcome alone" in results
            else ""
        )
        + "); "
        "calibration (equal-size bins: range, n, mean predicted, observed): "
        + "; ".join(table_lines)
    )
    write_model(terms, w, lam, len(set(files)), len(y), int(y.sum()), oof_note)
    write_letters(sorted(set(cases)))
    load_model()  # the file just written must load
    print(f"wrote {DATA_DIR / 'overturn_model.yaml'}")


def write_model(
    terms: list[ModelTerm], w: np.ndarray, lam: float, letters: int, n: int, pos: int, note: str
) -> None:
    today = dt.date.today().isoformat()
    lines = [
        "# Overturn likelihood: logistic model over general features of the decision trace.",
        "# Written by benchmarks/fit_overturn_likelihood.py; refit rather than edit by hand.",
        "table: overturn_model",
        "version: 1",
        "provenance:",
        "  source: "
        + json.dumps(
            f"fitted on the {letters} dev letters ({n} items, {pos} overturned) of "
            "data/dwc-imr-letters, blinded and re-decided; label: the reviewer's outcome"
        ),
        "  written: "
        + json.dumps(
            f"benchmarks/fit_overturn_likelihood.py, {today}; L2 strength {lam:g} "
            f"(grouped {FOLDS}-fold CV); features: " + ", ".join(t.id for t in terms[1:])
        ),
        "  numbers_verified: false",
        "  note: " + json.dumps(note),
        "rows:",
    ]
    for term, coef in zip(terms, w, strict=True):
        row = term.model_dump(exclude_none=True)
        row["coefficient"] = round(float(coef), 4)
        lines.append("  - " + json.dumps(row))
    (DATA_DIR / "overturn_model.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_letters(case_numbers: list[str]) -> None:
    lines = [
        "# The letters overturn_model.yaml was fitted on: `openimr evaluate` labels its likelihood",
        "# figures in-sample on these. Never a feature of the model.",
        "table: overturn_model_letters",
        "version: 1",
        "provenance:",
        '  source: "case numbers of the dev letters, written by benchmarks/fit_overturn_likelihood.py"',
        "rows:",
        *(f"  - {{case_number: {json.dumps(c)}}}" for c in case_numbers),
    ]
    (DATA_DIR / "overturn_model_letters.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
