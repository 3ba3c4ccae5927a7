"""Benchmark the guideline knowledge base: load time and search accuracy on the dev letters.

For every dev item whose reviewer cited an MTUS guideline, search the item text (the treatment
line only) on the letter's decision date and check whether the first hit is the guideline
document and section the reviewer cited (any of them, when several are cited; the matching rule
is `openimr.guidelines.citations`). A second run adds one fact the letter header gives without
reading the decision: chronic vs acute pain from the injury and decision dates.

    .venv/bin/python benchmarks/guidelines_search_bench.py [--jsonl PATH] [--misses]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_JSONL = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "dwc-imr-letters"
    / "dwc_imr_letters_2016_2017.jsonl"
)
if not DEFAULT_JSONL.exists():
    DEFAULT_JSONL = Path("/work/shared/data/dwc-imr-letters/dwc_imr_letters_2016_2017.jsonl")

LOAD_SNIPPET = (
    "import time; t=time.perf_counter(); from openimr.guidelines import load_knowledge_base; "
    "t1=time.perf_counter(); kb=load_knowledge_base(); t2=time.perf_counter(); "
    "print(t1-t, t2-t1, len(kb))"
)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        return None


def cold_load_times(runs: int = 5) -> tuple[list[float], list[float], int]:
    """(import times, load times) in fresh interpreters: importing the package, then loading."""
    imports, loads, rows = [], [], 0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LOAD_SNIPPET], capture_output=True, text=True, check=True
        )
        imported, loaded, count = out.stdout.split()
        imports.append(float(imported))
        loads.append(float(loaded))
        rows = int(count)
    return imports, loads, rows


def evaluate(jsonl: Path, with_phase: bool) -> tuple[int, int, list[dict]]:
    from openimr.domain.facts import ClinicalFact, ClinicalFacts, phase_of_care
    from openimr.guidelines import load_knowledge_base, parse_citations
    from openimr.guidelines.search import search
    from openimr.requests import parse_request

    kb = load_knowledge_base()
    total = hits = 0
    misses: list[dict] = []
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        letter = json.loads(line)
        review = _date(letter.get("decision_date"))
        injury = _date(letter.get("date_of_injury"))
        facts = None
        if with_phase and review and injury:
            days = (review - injury).days
            phase = phase_of_care(
                days
            )  # the phase the evidence extractor derives from the same dates
            facts = ClinicalFacts(
                facts=[
                    ClinicalFact(
                        kind="chronic_pain",
                        value=phase == "chronic",
                        negated=phase != "chronic",
                        attributes={
                            "days_since_injury": days,
                            "phase": phase,
                            "derived_from": "injury_date",
                        },
                    )
                ]
            )
        for item in letter["items"]:
            refs = [
                r
                for r in parse_citations(item.get("maximus_guideline") or "", kb)
                if r.level == "mtus"
            ]
            if not refs:
                continue
            total += 1
            result = search(
                kb, parse_request(item["treatment"]), review_date=review, facts=facts, limit=3
            )
            top = result.best
            if top is not None and any(kb.ref_matches(r, top) for r in refs):
                hits += 1
            else:
                misses.append(
                    {
                        "case": letter["case_number"],
                        "treatment": item["treatment"][:90],
                        "cited": "; ".join(f"{r.guideline_key}:{r.section_key}" for r in refs),
                        "got": f"{kb.document_of(top.id).key}:{top.section}" if top else None,
                    }
                )
    return total, hits, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path, default=DEFAULT_JSONL)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()

    imports, loads, rows = cold_load_times()
    print(f"rows: {rows}")
    print(
        f"load_knowledge_base() in a fresh interpreter (5 runs): median {statistics.median(loads):.3f} s, "
        f"max {max(loads):.3f} s; importing openimr.guidelines before it: median {statistics.median(imports):.3f} s"
    )
    t = time.perf_counter()
    for label, phase in (
        ("item text only", False),
        ("item text + phase (acute/subacute/chronic) from header dates", True),
    ):
        total, hits, misses = evaluate(args.jsonl, phase)
        print(f"{label}: top-1 cited MTUS guideline+section {hits}/{total} = {hits / total:.1%}")
        if args.misses:
            for m in misses:
                print(
                    f"  MISS {m['case']} | {m['treatment']} | cited {m['cited']} | got {m['got']}"
                )
    print(f"search time for both runs: {time.perf_counter() - t:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
