"""Would ranking MTUS documents by phase of care improve citation choice on the dev letters?

The MTUS structure says which document governs: the ACOEM clinical-topic chapters
(8 CCR 9792.23.x) address acute and subacute presentations, the Chronic Pain Medical Treatment
Guidelines (9792.24.2) chronic pain (>= 3 months, 9792.20). Search already scores a row's own
`phases` (+2 when it governs the case's phase from the `chronic_pain` fact, -2 when it governs
only another). This script measures the rule "a row without phases of its own inherits its
document's" without changing the library: it builds a second knowledge base whose chapter rows
carry [acute, subacute] and whose CPMTG rows carry [chronic], then runs, for both knowledge bases,

- the whole pipeline on the dev letters (`openimr evaluate`: citation agreement, kappa), and
- the search top-1 measure of `guidelines_search_bench.py` (text only, and with the phase from
  the header's injury and decision dates),

and lists the items whose citation agreement changed.

    .venv/bin/python benchmarks/guidelines_phase_bench.py [--letters DIR] [--jsonl PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

LETTERS = Path("/work/shared/data/dwc-imr-letters/txt")
JSONL = Path("/work/shared/data/dwc-imr-letters/dwc_imr_letters_2016_2017.jsonl")
# document key prefix -> phases of care the document governs (the rule under test)
DOCUMENT_PHASES = {
    "mtus_cpmtg": ["chronic"],
    # ACOEM 2004 clinical-topic chapters (and Elbow 2007) in the MTUS, 9792.23.x
    "mtus_ga": ["acute", "subacute"],
    "mtus_general": ["acute", "subacute"],
    "mtus_neck": ["acute", "subacute"],
    "mtus_shoulder": ["acute", "subacute"],
    "mtus_elbow": ["acute", "subacute"],
    "mtus_forearm": ["acute", "subacute"],
    "mtus_low_back": ["acute", "subacute"],
    "mtus_knee": ["acute", "subacute"],
    "mtus_ankle": ["acute", "subacute"],
    "mtus_stress": ["acute", "subacute"],
}


def _document_phases(key: str) -> list[str]:
    return next((v for prefix, v in DOCUMENT_PHASES.items() if key.startswith(prefix)), [])


def phase_kb(base_dir: Path | None = None):
    """A knowledge base in which rows without phases inherit their document's phase of care."""
    from openimr.guidelines.kb import KnowledgeBase
    from openimr.guidelines.loader import DATA_DIR, load_files

    files = load_files(base_dir or DATA_DIR)
    changed = []
    for f in files:
        phases = _document_phases(f.document.key)
        rows = [
            r if r.phases or not phases else r.model_copy(update={"phases": phases}) for r in f.rows
        ]
        changed.append(f.model_copy(update={"rows": rows}))
    return KnowledgeBase(changed)


def _search_bench():
    spec = importlib.util.spec_from_file_location(
        "search_bench", Path(__file__).parent / "guidelines_search_bench.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def measure(kb, letters: Path, jsonl: Path) -> tuple[dict, dict, dict]:
    import openimr.guidelines as guidelines
    from openimr.evaluation.evaluate import evaluate_paths

    report = evaluate_paths([letters], kb=kb)
    bench = _search_bench()
    saved = guidelines.load_knowledge_base
    guidelines.load_knowledge_base = lambda *a, **k: kb  # the search bench loads its own otherwise
    try:
        top1 = {phase: bench.evaluate(jsonl, phase)[:2] for phase in (False, True)}
    finally:
        guidelines.load_knowledge_base = saved
    items = {(c.file, c.treatment): c for c in report.items}
    return report.metrics, top1, items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=Path, default=LETTERS)
    parser.add_argument("--jsonl", type=Path, default=JSONL)
    args = parser.parse_args(argv)
    from openimr.guidelines.kb import KnowledgeBase
    from openimr.guidelines.loader import DATA_DIR, load_files

    runs = {
        "rows' own phases (current)": KnowledgeBase(load_files(DATA_DIR)),
        "plus document phase of care": phase_kb(),
    }
    results = {}
    for label, kb in runs.items():
        metrics, top1, items = measure(kb, args.letters, args.jsonl)
        results[label] = items
        (t0, h0), (t1, h1) = top1[False], top1[True]
        print(
            f"{label}: citation agreement {metrics['citation_agreement']:.4f} "
            f"({metrics['citation_items']} items), kappa {metrics['kappa']:.4f}, "
            f"accuracy {metrics['accuracy']:.4f}; search top-1 {h0}/{t0} text only, "
            f"{h1}/{t1} with phase"
        )
    before, after = results.values()
    for key, old in before.items():
        new = after.get(key)
        if new is not None and new.citation_match != old.citation_match:
            print(
                f"  {old.case_number} {old.treatment[:45]!r}: {old.citation_match} -> {new.citation_match}"
                f" | was {old.our_guideline} | now {new.our_guideline}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
