"""Blind benchmark for the guideline search: `benchmarks/data/search_blind.jsonl`.

150 disputed-item texts, each with the MTUS citation a typical 2015-2017 reviewer would write for
it, written by a helper who read nothing of the project (see data/search_blind.README.md). For
each item we search the text on its review date and check whether the first hit is the cited
guideline document and section (`openimr.guidelines.citations.citation_agrees`, the README's
matching rule). Two further figures separate what the search got from what the citation parser
understood: how many citations resolve to a row at all, and how often the top hit is at least the
cited document.

    .venv/bin/python benchmarks/guidelines_search_blind_bench.py [--misses]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from pathlib import Path

from openimr.guidelines import load_knowledge_base, parse_citations
from openimr.guidelines.citations import citation_agrees
from openimr.guidelines.search import search_text

DATA = Path(__file__).resolve().parent / "data" / "search_blind.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()

    kb = load_knowledge_base()
    items = [
        json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line
    ]
    resolvable = top1 = same_document = 0
    by_family: Counter[str] = Counter()
    hits_by_family: Counter[str] = Counter()
    misses = []
    for item in items:
        refs = [r for r in parse_citations(item["citation"], kb) if kb.resolve(r)]
        if not refs:
            misses.append(("unresolved citation", item["text"], item["citation"], None))
            continue
        resolvable += 1
        by_family[item["guideline"]] += 1
        result = search_text(
            kb, item["text"], review_date=dt.date.fromisoformat(item["review_date"])
        )
        best = result.best
        if best is not None and citation_agrees(item["citation"], best, kb):
            top1 += 1
            hits_by_family[item["guideline"]] += 1
            continue
        got = f"{kb.document_of(best.id).key}:{best.section}" if best else None
        if best is not None and any(kb.document_of(best.id).key == r.guideline_key for r in refs):
            same_document += 1
        misses.append(("miss", item["text"], item["citation"], got))
    n = len(items)
    print(f"search_blind: {n} items; citations that resolve to a row: {resolvable}/{n}")
    print(
        f"top-1 is the cited guideline and section: {top1}/{resolvable} = {top1 / resolvable:.3f}"
    )
    print(
        f"top-1 in the cited document (any section): {top1 + same_document}/{resolvable} = "
        f"{(top1 + same_document) / resolvable:.3f}"
    )
    for family in sorted(by_family):
        print(f"  {family:12s} {hits_by_family[family]}/{by_family[family]}")
    if args.misses:
        for kind, text, citation, got in misses:
            print(f"[{kind}] {text!r}\n    cited: {citation}\n    got:   {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
