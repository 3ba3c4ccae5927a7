"""Request-parser benchmark: speed on one core and accuracy on the dev gold and held-out phrasings.

    .venv/bin/python benchmarks/requests_bench.py [--rounds N]

Speed: parse the 299 dev texts N times in one process (one core, lexicon warm) and report
items per second; the first call (loading and compiling the lexicon) is timed separately.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from openimr.requests import parse_request
from openimr.requests.lexicon import load_lexicon
from openimr.requests.scoring import load_gold, score

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "requests_gold.jsonl"
HELDOUT = ROOT / "tests" / "requests" / "data" / "heldout_phrasings.jsonl"
HELDOUT_B = ROOT / "tests" / "requests" / "data" / "heldout_phrasings_b.jsonl"
HELDOUT_C = ROOT / "tests" / "requests" / "data" / "heldout_phrasings_c.jsonl"


def _accuracy(name: str, path: Path) -> None:
    rows = load_gold(path)
    report = score(rows, [parse_request(row["text"]).contract_dict() for row in rows])
    print(f"{name}: {report['items']} items, category accuracy {report['category_accuracy']:.4f}")
    for field, m in report["fields"].items():
        print(
            f"  {field:20} P {m['precision']:.4f}  R {m['recall']:.4f}  F1 {m['f1']:.4f}"
            f"  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
        )
    for miss in report["misses"]:
        print("  miss:", miss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    load_lexicon()
    parse_request("warm up")
    print(f"first call (load + compile lexicon): {time.perf_counter() - start:.3f} s")

    texts = [row["text"] for row in load_gold(GOLD)]
    rates, cpu_rates = [], []
    for _ in range(args.rounds):
        start, cpu_start = time.perf_counter(), time.process_time()
        for text in texts:
            parse_request(text)
        rates.append(len(texts) / (time.perf_counter() - start))
        cpu_rates.append(len(texts) / max(time.process_time() - cpu_start, 1e-9))
    # Wall-clock rates suffer when other jobs share the core; CPU-time rates do not.
    print(
        f"speed: {len(texts)} dev texts x {args.rounds} rounds, one process/core: "
        f"wall median {statistics.median(rates):,.0f} items/s (min {min(rates):,.0f}, "
        f"max {max(rates):,.0f}); CPU-time median {statistics.median(cpu_rates):,.0f} items/s"
    )
    long_text = ("Physical therapy 2 times a week for 6 weeks L4-5 left knee #3 " * 200)[:10_000]
    start = time.perf_counter()
    for _ in range(20):
        parse_request(long_text)
    print(f"10,000-character text: {(time.perf_counter() - start) / 20 * 1000:.1f} ms each")
    _accuracy("dev gold", GOLD)
    _accuracy("held-out phrasings, set A", HELDOUT)
    _accuracy("held-out phrasings, set B", HELDOUT_B)
    _accuracy("held-out phrasings, set C", HELDOUT_C)


if __name__ == "__main__":
    main()
