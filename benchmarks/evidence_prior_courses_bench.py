"""Prior courses of treatment on the blind held-out sentences (benchmarks/data/prior_courses_blind.jsonl).

Each line is one sentence with the treatment category it is about, whether the worker has already
had that treatment (prior_course), the sessions attended, the stated effect and the body region
(labels: benchmarks/data/blind3.README.md; written blind, without reading the project).

Two readers are scored on the same lines:

- `facts`: what the engine read before `openimr.evidence.derive` existed: asserted
  `prior_treatment` facts whose modality is of the line's category (the treatments table), an
  asserted non-co-requested `current_medication` for medication, an asserted `surgery` for surgery;
  sessions = the largest count of the matching courses (`treatment_courses`); effect = "improved"
  with a function/activity/work word in its sentence (or a functional_improvement fact) ->
  improved_function, "improved" otherwise -> pain_only, "no_improvement" -> no_benefit.
- `derive`: `openimr.evidence.derive.prior_courses` (the courses the engine now uses).

    .venv/bin/python benchmarks/evidence_prior_courses_bench.py [--reader facts|derive|both]

Prints precision/recall/accuracy for prior_course, sessions and effect (on lines whose gold
prior_course is true), and region accuracy where a region is labelled.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openimr.evidence import extract_text, treatment_courses
from openimr.knowledge.anatomy import load_anatomy
from openimr.knowledge.treatments import load_treatments

DATA = Path(__file__).resolve().parent / "data" / "prior_courses_blind.jsonl"
REGION = {"upper_limb": "upper", "lower_limb": "lower"}  # anatomy region -> label region
# the labels call shockwave "other"; the treatments table files it under physical medicine
LABEL_CATEGORY = {"shockwave therapy": "other"}
_FUNCTION = re.compile(
    r"\bfunction\w*|\bADLs?\b|activities of daily living|\bwork\w*|\btoleran\w+|\bable to\b"
    r"|\bsleep\w*|\bwalk\w*|\bsit\w*|\bstand\w*|\blift\w*|\bduty\b",
    re.IGNORECASE,
)

Reading = tuple[bool, int | None, str | None, str | None]  # prior, sessions, effect, region


def _modality_category() -> dict[str, str]:
    table = load_treatments()
    result = {}
    for row in table.treatments:
        if row.record is not None:
            result[row.record.modality] = LABEL_CATEGORY.get(row.record.modality, row.category)
    return result


def _region(parts: list[str]) -> str | None:
    anatomy = load_anatomy()
    regions = []
    for part in parts:
        try:
            regions.append(REGION.get(anatomy.row(part).region, anatomy.row(part).region))
        except StopIteration:
            continue
    return regions[0] if regions else None


def read_facts(text: str, category: str) -> Reading:
    """The engine's reading before derive.prior_courses (see the module docstring)."""
    facts = extract_text(text)
    by_modality = _modality_category()
    courses = [
        c for c in treatment_courses(facts).values() if by_modality.get(c.modality) == category
    ]
    others: list[Any] = []
    if category == "medication":
        others = [
            f for f in facts.asserted("current_medication") if not f.attributes.get("co_requested")
        ]
    elif category == "surgery":
        others = list(facts.asserted("surgery"))
    if not courses and not others:
        return False, None, None, None
    sessions = max((c.sessions for c in courses if c.sessions), default=None)
    effects = [c.effect for c in courses if c.effect]
    effects += [str(f.attributes["effect"]) for f in others if f.attributes.get("effect")]
    effect = None
    if "no_improvement" in effects:
        effect = "no_benefit"
    elif "improved" in effects:
        functional = bool(facts.asserted("functional_improvement")) or bool(_FUNCTION.search(text))
        effect = "improved_function" if functional else "pain_only"
    parts = [f.value for f in facts.asserted("body_part")]
    return True, sessions, effect, _region(parts)


def read_derive(text: str, category: str) -> Reading:
    derive = importlib.import_module("openimr.evidence.derive")
    facts = extract_text(text)
    courses = [
        c
        for c in derive.prior_courses(facts)
        if LABEL_CATEGORY.get(c.modality, c.category) == category
    ]
    if not courses:
        return False, None, None, None
    course = courses[0]
    region = REGION.get(course.region or "", course.region)
    return True, course.sessions, course.effect, region


def _prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return f"P {p:.3f} R {r:.3f}"


def score(rows: list[dict[str, Any]], reader: Callable[[str, str], Reading]) -> list[str]:
    tp = fp = fn = tn = 0
    s_ok = s_pred = s_gold = s_hit = e_ok = e_pred = e_gold = e_hit = 0
    r_ok = r_n = 0
    true_lines = 0
    misses: list[str] = []
    for row in rows:
        prior, sessions, effect, region = reader(row["text"], row["treatment"])
        gold = bool(row["prior_course"])
        tp += prior and gold
        fp += prior and not gold
        fn += gold and not prior
        tn += not prior and not gold
        if prior != gold:
            misses.append(f"  prior {gold}->{prior}: {row['text']}")
        if not gold:
            continue
        true_lines += 1
        if not prior:
            sessions = effect = region = None
        s_ok += sessions == row["sessions"]
        s_pred += sessions is not None
        s_gold += row["sessions"] is not None
        s_hit += sessions is not None and sessions == row["sessions"]
        e_ok += effect == row["effect"]
        e_pred += effect is not None
        e_gold += row["effect"] is not None
        e_hit += effect is not None and effect == row["effect"]
        if row.get("body_region"):
            r_n += 1
            r_ok += region == row["body_region"]
    n = len(rows)
    lines = [
        f"prior_course ({n} lines): {_prf(tp, fp, fn)} accuracy {(tp + tn) / n:.3f}"
        f" (tp {tp} fp {fp} fn {fn} tn {tn})",
        f"sessions (gold-true {true_lines}): {_prf(s_hit, s_pred - s_hit, s_gold - s_hit)}"
        f" accuracy {s_ok / true_lines:.3f}",
        f"effect (gold-true {true_lines}): {_prf(e_hit, e_pred - e_hit, e_gold - e_hit)}"
        f" accuracy {e_ok / true_lines:.3f}",
        f"region (gold-true with a region, {r_n}): accuracy {r_ok / r_n if r_n else 0:.3f}",
    ]
    return lines + misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reader", choices=["facts", "derive", "both"], default="both")
    parser.add_argument("--misses", action="store_true", help="list prior_course errors")
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    readers = {"facts": read_facts, "derive": read_derive}
    for name in ["facts", "derive"] if args.reader == "both" else [args.reader]:
        try:
            lines = score(rows, readers[name])
        except ModuleNotFoundError as exc:
            print(f"{name}: not available ({exc})")
            continue
        summary = [ln for ln in lines if not ln.startswith("  ")]
        print(f"## reader: {name}\n" + "\n".join(summary))
        if args.misses:
            print("\n".join(ln for ln in lines if ln.startswith("  ")))


if __name__ == "__main__":
    main()
