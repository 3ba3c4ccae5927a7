"""Precedent search, measured (issue 17).

1. Held-out quality on the dev letters, 5 folds by letter (fold = position in case-number order
   mod 5): each held-out item's treatment text alone is the query against the other four folds;
   for its top 5, the share with the same request category and with the same cited guideline
   document (items citing no guideline are left out of that share).
2. Query latency (parse + search) on a synthetic corpus of 10,000 items: the dev items repeated
   under new case numbers, queried with the 299 dev item texts; p50 / p95 / max.
3. Indexing rate from text: parse + store, in process (tables already loaded), and
   `openimr corpus add DIR` as a fresh process (start-up included), both on the 120 text letters.

    .venv/bin/python benchmarks/precedents_bench.py [--pg URL] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openimr.corpus import build_query, find_precedents, letter_precedents, read_precedents
from openimr.domain.case import Case
from openimr.domain.precedent import PrecedentItem, PrecedentLetter
from openimr.errors import OpenIMRError
from openimr.letters.files import letter_files
from openimr.letters.parse import parse_letter
from openimr.letters.to_case import to_case
from openimr.store import open_store
from openimr.store.precedents import PrecedentRepository

REPO = Path(__file__).resolve().parents[1]
TXT = REPO.parent / "shared" / "data" / "dwc-imr-letters" / "txt"
FOLDS = 5
TOP = 5
SYNTHETIC_ITEMS = 10_000


def _url(pg: str | None, tmp: Path, name: str) -> str:
    if pg:
        sys.path.insert(0, str(REPO / "tests" / "store"))
        from store_testkit import pg_database_url  # the tests' helper: one emptied database

        return pg_database_url(pg, f"bench_{name}")
    return f"sqlite:///{tmp / f'{name}.db'}"


def _fresh_store(pg: str | None, tmp: Path, name: str):  # type: ignore[no-untyped-def]
    return open_store(_url(pg, tmp, name))


def held_out(
    letters: list[PrecedentLetter], pg: str | None, tmp: Path, cases: dict[str, Case] | None = None
) -> dict:
    """`cases`: the held-out letter's case (header and case summary, never its outcome), whose
    injured body parts fill in for an item text that names none, as `precedents --case` does."""
    cases = cases or {}
    ordered = sorted(letters, key=lambda letter: letter.case_number)
    cat_shares: list[float] = []
    doc_shares: list[float] = []
    misses: list[str] = []
    for fold in range(FOLDS):
        store = _fresh_store(pg, tmp, f"fold{fold}")
        repo = PrecedentRepository(store)
        try:
            for n, letter in enumerate(ordered):
                if n % FOLDS != fold:
                    repo.add_letter(letter, "bench")
            for n, letter in enumerate(ordered):
                if n % FOLDS != fold:
                    continue
                for item in letter.items:
                    case = cases.get(letter.case_number)
                    # exclude_case: the held-out letter is not in this fold's corpus anyway
                    hits = repo.search(build_query(item.treatment, case=case), TOP)
                    if not hits:
                        cat_shares.append(0.0)
                        continue
                    same = sum(h.category == item.category for h in hits) / len(hits)
                    cat_shares.append(same)
                    if same < 1:
                        misses.append(f"{item.category}: {item.treatment[:60]}")
                    if item.guideline:
                        doc_shares.append(
                            sum(h.guideline == item.guideline for h in hits) / len(hits)
                        )
        finally:
            store.close()
    return {
        "items": len(cat_shares),
        "same_category_top5": round(statistics.mean(cat_shares), 3),
        "items_with_guideline": len(doc_shares),
        "same_guideline_document_top5": round(statistics.mean(doc_shares), 3),
        "items_not_all_same_category": len(misses),
        "examples_not_all_same_category": misses[:8],
    }


def _synthetic(letters: list[PrecedentLetter], size: int) -> list[PrecedentLetter]:
    items = [i for letter in letters for i in letter.items]
    out: list[PrecedentLetter] = []
    made = 0
    copy = 0
    while made < size:
        for letter in letters:
            if made >= size:
                break
            number = f"SY{copy % 100:02d}-{made:07d}"
            chunk: list[PrecedentItem] = [
                i.model_copy(update={"case_number": number, "item": k})
                for k, i in enumerate(letter.items[: size - made], start=1)
            ]
            out.append(
                PrecedentLetter(case_number=number, content_hash=f"{made:064d}", items=chunk)
            )
            made += len(chunk)
        copy += 1
    assert sum(len(letter.items) for letter in out) == size, len(items)
    return out


def latency(letters: list[PrecedentLetter], pg: str | None, tmp: Path) -> dict:
    store = _fresh_store(pg, tmp, "synthetic")
    repo = PrecedentRepository(store)
    try:
        start = time.perf_counter()
        synthetic = _synthetic(letters, SYNTHETIC_ITEMS)
        for letter in synthetic:
            repo.add_letter(letter, "bench")
        load_s = time.perf_counter() - start
        texts = [i.treatment for letter in letters for i in letter.items]
        for text in texts[:20]:  # warm the page cache and the parser
            find_precedents(repo, text, 10)
        times = []
        for text in texts:
            t = time.perf_counter()
            find_precedents(repo, text, 10)
            times.append((time.perf_counter() - t) * 1000)
    finally:
        store.close()
    times.sort()
    return {
        "items": SYNTHETIC_ITEMS,
        "letters": len(synthetic),
        "load_s": round(load_s, 1),
        "queries": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
        "max_ms": round(times[-1], 2),
    }


def indexing(pg: str | None, tmp: Path) -> dict:
    files = letter_files([TXT])
    store = _fresh_store(pg, tmp, "index")
    repo = PrecedentRepository(store)
    read_precedents(files[0])  # tables loaded, as in a running worker
    try:
        start = time.perf_counter()
        for path in files:
            repo.add_letter(read_precedents(path), "bench")
        in_process = time.perf_counter() - start
    finally:
        store.close()
    db = _url(pg, tmp, "index_cli")
    env = {**os.environ, "OPENIMR_CACHE_DIR": str(REPO / ".cache-openimr")}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "openimr", "corpus", "add", str(TXT), "--db", db,
         "--quiet"],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    cli = time.perf_counter() - start
    return {
        "letters": len(files),
        "in_process_letters_per_s": round(len(files) / in_process, 1),
        "cli_s": round(cli, 2),
        "cli_letters_per_s": round(len(files) / cli, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="run against this PostgreSQL server instead of SQLite")
    args = parser.parse_args()
    parsed = [parse_letter(p) for p in letter_files([TXT])]
    letters = [letter_precedents(p) for p in parsed]
    cases = {}
    for p in parsed:
        # a letter whose header does not make a case: its items go without one
        with contextlib.suppress(OpenIMRError):
            cases[p.case_number or ""] = to_case(p)
    with tempfile.TemporaryDirectory() as tmp:
        result = {
            "backend": "postgresql" if args.pg else "sqlite",
            "held_out": held_out(letters, args.pg, Path(tmp)),
            "held_out_with_case": held_out(letters, args.pg, Path(tmp), cases),
            "latency_10k": latency(letters, args.pg, Path(tmp)),
            "indexing": indexing(args.pg, Path(tmp)),
        }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
