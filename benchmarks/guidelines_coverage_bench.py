"""Benchmark the guideline knowledge base's coverage of commonly disputed treatments.

Reads `benchmarks/data/common_treatments.txt` (one disputed item per line, phrased as UR/IMR
letters phrase them, `#` lines are comments) and, for each item, runs
`search_text(load_knowledge_base(), item, review_date=2017-01-15, limit=3)`. It records the search
level reached, the best row (id and citation text; none when the search falls through to the
peer-reviewed literature), and the parsed request category, then prints:

- how many items get no row at all (level `peer_reviewed`);
- how many get a row only below MTUS (ACOEM/ODG or another guideline);
- how many are parsed as category "other";
- every item with no row, below MTUS, "suspect", "region guess", or parsed "other".

"Suspect" is a heuristic for a human to read, not a verdict: the item's content words share no
word with the best row's section name, synonyms, drugs, drug classes and services. Content words
are the item's normalized tokens (`openimr.guidelines.citations.tokens`) plus the generic name(s)
the parser read from a brand (Norco -> hydrocodone/acetaminophen), minus numbers, dose units,
laterality, formulation words (ER, ODT, IM), body-part words (so "MRI right shoulder" meeting a
shoulder *surgery* row is still suspect) and generic words such as "therapy", "injection", "unit"
or "session"; when nothing is left, the body-part words count ("Sacroiliac joint injection").
Two words agree when equal or when both have at least 6 letters and share the first 6
("arthroscopy" / "arthroscopic"). An item with no content words at all is never suspect.

A second, separate list ("region guess") shows items that name no body part but whose best row is
region-specific (it lists body parts): the search then chose a region for the reader, e.g. a
whole-body bone scan judged by an ankle/foot imaging row.

    source .venv/bin/activate
    python benchmarks/guidelines_coverage_bench.py [--file PATH] [--date YYYY-MM-DD] [--json]
    python benchmarks/guidelines_coverage_bench.py --mtus-coverage [YYYY-MM-DD ...]

`--json` prints one JSON object per item (JSON Lines) instead of the summary.

`--mtus-coverage` prints, for each review date (default 2019-06-01 and 2025-06-01, under the
ACOEM-based MTUS in force from 2017-12-01), the share of items whose best row is at MTUS level
against the target (MTUS_TARGET), split into extremity items (every body part the parser read is
an extremity: shoulder to foot) and spine/general items (the rest, including items naming no body
part), then the items still below MTUS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from openimr.domain.guideline import Recommendation
from openimr.domain.request import BODY_PARTS
from openimr.guidelines import load_knowledge_base
from openimr.guidelines.normalize import tokens
from openimr.guidelines.search import SearchResult, _body_part_terms, search_text

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "common_treatments.txt"
REVIEW_DATE = dt.date(2017, 1, 15)
# review dates under the ACOEM-based MTUS (from 2017-12-01): before and after the 2019-2021 updates
POST_2017_DATES = (dt.date(2019, 6, 1), dt.date(2025, 6, 1))
MTUS_TARGET = 0.90  # share of common items that should find an MTUS row at those dates
EXTREMITY = frozenset(
    {"shoulder", "elbow", "forearm", "wrist", "hand", "finger", "hip", "knee", "ankle", "foot"}
    | {"upper extremity", "lower extremity"}
)
LIMIT = 3
STEM = 6  # letters two words must share (both at least this long) to count as the same word

# words that say nothing about *which* treatment an item is (already singular, as `tokens` makes them)
_GENERIC_TEXT = """
    a an and of the to for from with without in on at by or per as x each every
    right left bilateral side
    mg mcg ml g gm hr er xr xl sr cr dr ds odt im iv po tab tablet cap capsule film bottle unit units dose
    day daily week weekly month hour time session visit sessions visits additional repeat
    trial purchase rental rent use home new initial follow up
    therapy treatment injection program evaluation consultation test testing service study
    level view scan
"""
GENERIC = frozenset(_GENERIC_TEXT.split())


def _body_words() -> frozenset[str]:
    """Tokens of every body-part name and of every body-part term the search recognizes."""
    words: set[str] = set()
    for part in BODY_PARTS:
        words.update(tokens(part, drop=False))
    for term_tokens, _part in _body_part_terms():
        words.update(term_tokens)
    return frozenset(words)


BODY_WORDS = _body_words()
_NUMERIC = re.compile(r"^[a-z]?\d")  # 10, 325mg, 5, l4, c5, s1, t12, x4


def content_words(text: str, drug: str | None = None) -> set[str]:
    """The words of an item that name the treatment (see the module docstring)."""
    words = tokens(text, drop=False)
    if drug:
        words += [w for d in drug.split("/") for w in tokens(d, drop=False)]
    kept = {w for w in words if len(w) > 1 and w not in GENERIC and not _NUMERIC.match(w)}
    return (kept - BODY_WORDS) or kept


def row_words(rec: Recommendation) -> set[str]:
    """The words of a row's section name and treatment lists."""
    t = rec.treatments
    words: set[str] = set()
    for text in [rec.section, *t.synonyms, *t.drugs, *t.drug_classes, *t.services]:
        words.update(tokens(text, drop=False))
    return words


def _same(a: str, b: str) -> bool:
    return a == b or (len(a) >= STEM and len(b) >= STEM and a[:STEM] == b[:STEM])


def overlap(item: set[str], row: set[str]) -> list[str]:
    return sorted(w for w in item if any(_same(w, r) for r in row))


def read_items(path: Path) -> list[tuple[str, str]]:
    """(group, item) pairs; the group is the last `# ...` line before the item."""
    items: list[tuple[str, str]] = []
    group = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            group = line.lstrip("#").strip()
            continue
        items.append((group, line))
    return items


def record(group: str, item: str, result: SearchResult) -> dict[str, Any]:
    req = result.request
    best = result.best
    words = content_words(item, req.drug)
    shared: list[str] = []
    if best is not None:
        shared = overlap(words, row_words(best))
    return {
        "group": group,
        "item": item,
        "level": result.level,
        "category": req.category,
        "service": req.service,
        "drug": req.drug,
        "drug_class": req.drug_class,
        "body_parts": list(req.body_parts),
        "best_id": best.id if best else None,
        "best_citation": best.citation_text() if best else None,
        "best_status": best.status if best else None,
        "best_reasons": result.hits[0].reasons if result.hits else [],
        "others": [h.recommendation.id for h in result.hits[1:]],
        "content_words": sorted(words),
        "shared_words": shared,
        "suspect": best is not None and bool(words) and not shared,
        "region_guess": best is not None and bool(best.body_parts) and not req.body_parts,
        "best_body_parts": list(best.body_parts) if best else [],
    }


def run(path: Path, review_date: dt.date) -> list[dict[str, Any]]:
    kb = load_knowledge_base()
    return [
        record(group, item, search_text(kb, item, review_date=review_date, limit=LIMIT))
        for group, item in read_items(path)
    ]


def summarize(rows: list[dict[str, Any]], review_date: dt.date) -> str:
    n = len(rows)
    no_row = [r for r in rows if r["best_id"] is None]
    below = [r for r in rows if r["best_id"] is not None and r["level"] != "mtus"]
    other = [r for r in rows if r["category"] == "other"]
    suspect = [r for r in rows if r["suspect"]]
    guess = [r for r in rows if r["region_guess"]]
    levels = Counter(r["level"] for r in rows)

    def pct(k: int) -> str:
        return f"{k:4d} ({100 * k / n:5.1f}%)" if n else f"{k:4d}"

    out = [
        f"guideline coverage: {n} items, review date {review_date.isoformat()}, limit {LIMIT}",
        f"  best row at MTUS level           {pct(levels['mtus'])}",
        f"  best row below MTUS              {pct(len(below))}"
        f"  (acoem_odg {levels['acoem_odg']}, other_guideline {levels['other_guideline']})",
        f"  no row at all (peer_reviewed)    {pct(len(no_row))}",
        f"  suspect best row                 {pct(len(suspect))}",
        f"  region guess (see docstring)     {pct(len(guess))}",
        f"  parsed as category 'other'       {pct(len(other))}",
        "",
        f"no row ({len(no_row)}):",
        *(f"  [{r['category']}] {r['item']}" for r in no_row),
        "",
        f"below MTUS ({len(below)}):",
        *(f"  {r['item']}  ->  {r['level']}: {r['best_id']}" for r in below),
        "",
        f"suspect: no shared content word between item and best row ({len(suspect)}):",
        *(
            f"  {r['item']}  ->  {r['best_id']} ({r['best_citation']})  words={r['content_words']}"
            for r in suspect
        ),
        "",
        f"region guess: item names no body part, best row is region-specific ({len(guess)}):",
        *(f"  {r['item']}  ->  {r['best_id']} {r['best_body_parts']}" for r in guess),
        "",
        f"parsed as 'other' ({len(other)}):",
        *(f"  {r['item']}  ->  {r['best_id'] or '-'}" for r in other),
    ]
    return "\n".join(out)


def share(row: dict[str, Any]) -> str:
    """'extremity' when every body part the parser read is an extremity, else 'spine/general'."""
    parts = set(row["body_parts"])
    return "extremity" if parts and parts <= EXTREMITY else "spine/general"


def mtus_coverage(rows_by_date: dict[dt.date, list[dict[str, Any]]]) -> str:
    """MTUS-level share per review date, overall and by share, against MTUS_TARGET."""
    out: list[str] = []
    for on, rows in rows_by_date.items():
        mtus = [r for r in rows if r["level"] == "mtus"]
        rate = len(mtus) / len(rows) if rows else 0.0
        verdict = "met" if rate >= MTUS_TARGET else "not met"
        out.append(
            f"{on.isoformat()}: MTUS level {len(mtus)}/{len(rows)} = {rate:.3f} "
            f"(target {MTUS_TARGET:.2f}: {verdict})"
        )
        for name in ("spine/general", "extremity"):
            part = [r for r in rows if share(r) == name]
            hit = sum(r["level"] == "mtus" for r in part)
            out.append(
                f"  {name:<14} {hit}/{len(part)}" + (f" = {hit / len(part):.3f}" if part else "")
            )
        out.append("  below MTUS:")
        out.extend(
            f"    [{share(r)}] {r['item']}  ->  {r['level']}: {r['best_id'] or '-'}"
            for r in rows
            if r["level"] != "mtus"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--file", type=Path, default=DEFAULT_FILE, help="items file (default: %(default)s)"
    )
    ap.add_argument("--date", type=dt.date.fromisoformat, default=REVIEW_DATE, help="review date")
    ap.add_argument("--json", action="store_true", help="print per-item results as JSON Lines")
    ap.add_argument(
        "--mtus-coverage",
        nargs="*",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help="MTUS-level coverage at these review dates (default: 2019-06-01 and 2025-06-01)",
    )
    args = ap.parse_args(argv)
    if args.mtus_coverage is not None:
        dates = args.mtus_coverage or list(POST_2017_DATES)
        print(mtus_coverage({on: run(args.file, on) for on in dates}))
        return 0
    rows = run(args.file, args.date)
    if args.json:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        print(summarize(rows, args.date))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
