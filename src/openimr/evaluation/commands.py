"""CLI: `openimr redecide LETTER...` and `openimr evaluate DIR`."""

from __future__ import annotations

import argparse
import json
import sys

from openimr.evaluation.evaluate import evaluate_paths
from openimr.evaluation.redecide import redecide_paths


def _redecide(args: argparse.Namespace) -> int:
    failures = 0
    collected = []
    for record in redecide_paths(args.letters):
        if "error" in record:
            failures += 1
            print(f"openimr: error: {record['error']}", file=sys.stderr)
            continue
        if args.jsonl:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            collected.append(record)
    if args.json:
        print(
            json.dumps(
                collected[0] if len(collected) == 1 else collected, indent=2, ensure_ascii=False
            )
        )
    elif not args.jsonl:
        for record in collected:
            print(record["file"])
            for item in record["items"]:
                print(f"  {item['treatment']}: {item['decision']}")
                print(f"    {item['guideline'] or 'no guideline found'}")
    return 1 if failures else 0


def _evaluate(args: argparse.Namespace) -> int:
    report = evaluate_paths([args.directory], progress=not args.json and sys.stderr.isatty())
    if args.json:
        payload = {
            "metrics": report.metrics,
            "confusion": report.confusion.model_dump(),
            "disagreements": [d.model_dump() for d in report.disagreements()],
            "citation_misses": [d.model_dump() for d in report.citation_misses()],
            "by_category": report.by_category,
            "likelihood": report.likelihood,
            "skipped": report.skipped,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    m, c = report.metrics, report.confusion
    print(f"letters: {m['letters']}   items: {m['items']}")
    print("confusion (rows: reviewer, columns: openimr)")
    print("                 Upheld  Overturned")
    print(f"  Upheld      {c.upheld_upheld:>9}  {c.upheld_overturned:>10}")
    print(f"  Overturned  {c.overturned_upheld:>9}  {c.overturned_overturned:>10}")
    for key in (
        "accuracy",
        "balanced_accuracy",
        "kappa",
        "overturn_precision",
        "overturn_recall",
        "macro_f1",
        "citation_agreement",
        "citation_document_agreement",
    ):
        print(f"{key:>27}: {_figure(m[key])}")
    print(f"{'citation items':>27}: {m['citation_items']}")
    if report.by_category:
        print(
            "by request category:            items  overturned (reviewer/ours)  accuracy  overturn recall  citation"
        )
        for name, row in report.by_category.items():
            print(
                f"  {name:<28} {row['items']:>5}  {row['reviewer_overturned']:>10} / {row['openimr_overturned']:<12}"
                f"  {_figure(row['accuracy']):>8}  {_figure(row['overturn_recall']):>15}"
                f"  {_figure(row['citation_agreement']):>8}"
            )
    _print_likelihood(report.likelihood)
    causes: dict[str, int] = {}
    for d in report.disagreements():
        causes[d.cause or "?"] = causes.get(d.cause or "?", 0) + 1
    if causes:
        print("disagreements by cause: " + ", ".join(f"{k} {v}" for k, v in sorted(causes.items())))
    if report.skipped:
        print(f"skipped {len(report.skipped)} letter(s):")
        for line in report.skipped:
            print(f"  {line}")
    if args.list:
        print("disagreements:")
        for d in report.disagreements():
            print(
                f"  {d.file} | {d.treatment[:70]} | reviewer {d.truth}, openimr {d.ours} | {d.cause} (conf {d.confidence:.2f})"
            )
        misses = report.citation_misses()
        if misses:
            print("citation misses (reviewer's guideline / ours):")
        for d in misses:
            print(f"  {d.file} | {d.treatment[:70]}")
            print(f"      reviewer: {_one_line(d.reviewer_guideline)}")
            print(f"      openimr:  {_one_line(d.our_guideline)}")
    return 0


def _print_likelihood(figures: dict) -> None:
    if not figures.get("items"):
        return
    sample = figures["sample"]
    note = " (the model was fitted on these letters)" if sample == "in-sample" else ""
    print(f"overturn likelihood, {sample}{note}:")
    print(
        f"  AUC {_figure(figures['auc'])}   Brier {figures['brier']:.4f}"
        f"   (base rate {_figure(figures['base_rate'])}, its Brier {_figure(figures['brier_base_rate'])})"
    )
    print("  calibration (bins of equal size): probabilities  items  mean predicted  observed")
    for b in figures["calibration"]:
        print(
            f"    {b['low']:.3f}-{b['high']:.3f}  {b['items']:>20}  {b['mean_predicted']:>14.3f}  {b['observed']:>8.3f}"
        )
    if figures.get("out_of_fold"):
        print(f"  the model file's own figures: {figures['out_of_fold']}")


def _figure(value: float | int | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _one_line(text: str | None, width: int = 160) -> str:
    flat = " ".join((text or "none").split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "redecide", help="re-decide letters from their header, case summary and item texts only"
    )
    p.add_argument("letters", nargs="+", help="letter files (PDF or text) or directories")
    p.add_argument("--jsonl", action="store_true", help="one JSON line per letter")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(handler=_redecide)

    p = subparsers.add_parser(
        "evaluate", help="blind each letter in DIR, re-decide, compare with the reviewer"
    )
    p.add_argument("directory", help="folder of letters (PDF or text)")
    p.add_argument(
        "--json",
        action="store_true",
        help="metrics, confusion, disagreements and citation misses as JSON",
    )
    p.add_argument("--list", action="store_true", help="list every disagreement and citation miss")
    p.set_defaults(handler=_evaluate)
