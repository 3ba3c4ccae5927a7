"""Benchmark openimr.evidence: start-up, extraction time on the 120 dev summaries, gold P/R.

    .venv/bin/python benchmarks/evidence_bench.py [--letters PATH] [--sentences pyrush]

Prints a Markdown report (the figures in docs/benchmarks/evidence.md come from it).
`--sentences pyrush` swaps spaCy's rule sentencizer for medspaCy's PyRuSH sentence splitter (with
medspaCy's English rules, as `medspacy.load` configures it), to compare the two on the same sets.
Reads only each letter's clinical_case_summary, never an item's decision/guideline/rationale.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

START = time.perf_counter()

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LETTERS = (
    ROOT.parent / "shared" / "data" / "dwc-imr-letters" / "dwc_imr_letters_2016_2017.jsonl"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=Path, default=DEFAULT_LETTERS)
    parser.add_argument("--sentences", choices=["sentencizer", "pyrush"], default="sentencizer")
    args = parser.parse_args()

    import medspacy

    from openimr.evidence import build_nlp, extract_text
    from openimr.evidence.scoring import load_gold, score

    imported = time.perf_counter()
    nlp = build_nlp()
    if args.sentences == "pyrush":
        # build_nlp() is cached per process, so extract_text sees the swapped pipeline
        rush_rules = Path(medspacy.__file__).resolve().parents[1] / "resources" / "en"
        nlp.replace_pipe(
            "sentencizer",
            "medspacy_pyrush",
            config={"rules_path": str(rush_rules / "rush_rules.tsv")},
        )
    built = time.perf_counter()
    factories = [nlp.get_pipe_meta(name).factory for name in nlp.pipe_names]
    print(f"sentence splitter: {args.sentences} ({' > '.join(factories)})\n")

    with args.letters.open(encoding="utf-8") as handle:
        summaries = [json.loads(line).get("clinical_case_summary") or "" for line in handle]
    times: list[float] = []
    coverage: Counter[str] = Counter()
    facts_total = 0
    for summary in summaries:
        t0 = time.perf_counter()
        facts = extract_text(summary)
        times.append(time.perf_counter() - t0)
        facts_total += len(facts.facts)
        for kind in {f.kind for f in facts.facts if f.asserted}:
            coverage[kind] += 1
    done = time.perf_counter()

    words = [len(s.split()) for s in summaries]
    print("## Speed\n")
    print(f"- import openimr.evidence (incl. medspaCy/spaCy): {imported - START:.2f} s")
    print(f"- build the pipeline (rules loaded and validated): {built - imported:.2f} s")
    print(
        f"- {len(summaries)} summaries (mean {statistics.mean(words):.0f} words, max "
        f"{max(words)}): total {sum(times):.2f} s, mean {1000 * statistics.mean(times):.1f} ms, "
        f"median {1000 * statistics.median(times):.1f} ms, max {1000 * max(times):.1f} ms"
    )
    print(f"- whole run, process start to last summary: {done - START:.2f} s")
    print(f"- facts read: {facts_total} ({facts_total / len(summaries):.1f} per summary)\n")

    print(f"## Summaries with at least one asserted fact of a kind (of {len(summaries)})\n")
    print("| kind | summaries |\n|---|---|")
    for kind, n in coverage.most_common():
        print(f"| {kind} | {n} |")

    for name in (
        "evidence_gold",
        "evidence_heldout",
        "evidence_heldout2",
        "evidence_heldout3",
        "evidence_heldout4",
        "evidence_heldout5",
        "evidence_heldout6",
        "evidence_heldout7",
    ):
        result = score(load_gold(ROOT / "tests" / "data" / f"{name}.jsonl"))
        micro = result["micro"]
        print(f"\n## tests/data/{name}.jsonl\n")
        print(
            f"micro precision {micro['precision']:.3f}, recall {micro['recall']:.3f} "
            f"(tp {micro['tp']}, fp {micro['fp']}, fn {micro['fn']}); values right "
            f"{result['values']['right']}/{result['values']['checked']}\n"
        )
        print("| kind | tp | fp | fn | precision | recall |\n|---|---|---|---|---|---|")
        for kind, row in result["per_kind"].items():
            print(
                f"| {kind} | {row['tp']} | {row['fp']} | {row['fn']} | "
                f"{row['precision']:.2f} | {row['recall']:.2f} |"
            )
        if result["errors"]:
            print("\nDisagreements:\n")
            for error in result["errors"]:
                print(
                    f'- "{error["text"][:110]}" missed {error["missed"]} '
                    f"spurious {error['spurious']}"
                )


if __name__ == "__main__":
    main()
