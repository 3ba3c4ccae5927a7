"""Parsing throughput: letters per second from PDF and from text, one process and all cores.

.venv/bin/python benchmarks/letters_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import time
from multiprocessing import Pool
from pathlib import Path

from openimr.letters.parse import parse_letter

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", ROOT / ".." / "shared")).resolve()
LETTERS = SHARED / "data" / "dwc-imr-letters"


def _items(path: str) -> int:
    return len(parse_letter(path).items)


def rate(paths: list[str], jobs: int, rounds: int) -> float:
    """Best letters/second over `rounds` passes (the machine is shared: best is least disturbed)."""
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        if jobs == 1:
            for path in paths:
                _items(path)
        else:
            with Pool(jobs) as pool:
                list(pool.imap_unordered(_items, paths, chunksize=4))
        best = max(best, len(paths) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    pdfs = sorted(str(p) for p in (LETTERS / "pdf").glob("*.pdf"))
    texts = sorted(str(p) for p in (LETTERS / "txt").glob("*.txt"))
    print(f"{len(pdfs)} PDF letters, {len(texts)} text letters, {cores} cores")
    for label, paths in (("pdf", pdfs), ("text", texts)):
        for jobs in sorted({1, cores}):
            print(f"{label:5} jobs={jobs}: {rate(paths, jobs, args.rounds):7.1f} letters/s")


if __name__ == "__main__":
    main()
