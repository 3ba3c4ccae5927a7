"""Phase of care on the blind held-out case openings (benchmarks/data/phase_blind.jsonl).

Each line is a case opening with its injury date, request date, phase (acute < 28 days,
subacute 28-84, chronic >= 3 months, post_surgical within a dated surgery's post-surgical period)
and the surgery date when there is one (labels: benchmarks/data/blind3.README.md; written blind).

Two settings:

- `case`: as the pipeline sees a case: the injury date and the request (UR decision) date are the
  case file's structured fields, taken from the labels; the opening is the case's one record. This
  scores the phase rule and the surgery reading, not date reading.
- `text`: nothing but the text: the injury date and the reference date are read from it.

Two readers:

- `facts`: the engine before `openimr.evidence.derive`: `post_surgical` when the pipeline's
  recent-surgery rule fires (a surgery in the 4 weeks before the request), else the phase the
  guideline search reads from the `chronic_pain` fact (`guidelines.search._phase`).
- `derive`: `openimr.evidence.derive.care_phase`.

    .venv/bin/python benchmarks/phase_bench.py [--reader facts|derive|both] [--misses]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openimr.domain.case import Case
from openimr.domain.facts import ClinicalFacts
from openimr.engine import pipeline
from openimr.evidence import derive, extract, extract_text
from openimr.guidelines import search as search_module
from openimr.intake.load import load_case

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "phase_blind.jsonl"
EXAMPLE = ROOT / "examples" / "cases" / "norco-refill-no-monitoring.yaml"
PHASES = ("acute", "subacute", "chronic", "post_surgical")


def _case(text: str, injury: dt.date, request: dt.date) -> Case:
    case = load_case(EXAMPLE)
    record = case.records[0].model_copy(update={"text": text, "date": request})
    return case.model_copy(
        update={
            "injury": case.injury.model_copy(update={"date": injury, "body_parts": []}),
            "ur_decision": case.ur_decision.model_copy(update={"date": request}),
            "decision_date": request,
            "summary": None,
            "records": [record],
            "prior_treatments": [],
            "diagnoses": [],
        }
    )


def _facts_phase(case: Case | None, facts: ClinicalFacts) -> str | None:
    if (
        case is not None
        and getattr(pipeline, "_recent_surgery", derive.recent_surgery)(case, facts, []) is not None
    ):
        return "post_surgical"
    return search_module._phase(facts)


def read_facts(row: dict[str, Any], setting: str) -> str | None:
    if setting == "text":
        return _facts_phase(None, extract_text(row["text"]))
    case = _case(
        row["text"],
        dt.date.fromisoformat(row["injury_date"]),
        dt.date.fromisoformat(row["request_date"]),
    )
    return _facts_phase(case, pipeline.extract_facts(case))


def read_derive(row: dict[str, Any], setting: str) -> str | None:
    if setting == "text":
        facts = extract_text(row["text"])
        return derive.care_phase(facts).phase
    injury = dt.date.fromisoformat(row["injury_date"])
    request = dt.date.fromisoformat(row["request_date"])
    case = _case(row["text"], injury, request)
    facts = extract(case.records, case)
    return derive.care_phase(facts, injury_date=injury, reference_date=request).phase


def score(
    rows: list[dict[str, Any]], reader: Callable[[dict[str, Any], str], str | None], setting: str
) -> tuple[str, list[str]]:
    ok = 0
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for row in rows:
        got = reader(row, setting) or "none"
        confusion[(row["phase"], got)] += 1
        if got == row["phase"]:
            ok += 1
        else:
            misses.append(f"  {row['phase']}->{got}: {row['text'][:150]}")
    per = " ".join(
        f"{p} {confusion[(p, p)]}/{sum(v for (g, _), v in confusion.items() if g == p)}"
        for p in PHASES
    )
    return f"accuracy {ok / len(rows):.3f} ({ok}/{len(rows)}); {per}", misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reader", choices=["facts", "derive", "both"], default="both")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    readers = {"facts": read_facts, "derive": read_derive}
    for name in ["facts", "derive"] if args.reader == "both" else [args.reader]:
        for setting in ("case", "text"):
            try:
                line, misses = score(rows, readers[name], setting)
            except ModuleNotFoundError as exc:
                print(f"{name}: not available ({exc})")
                break
            print(f"reader {name}, setting {setting}: {line}")
            if args.misses:
                print("\n".join(misses))


if __name__ == "__main__":
    main()
