"""Benchmark: the MTUS Drug Formulary table and how common drug names resolve against it.

Usage: .venv/bin/python benchmarks/formulary_bench.py [--date 2019-06-01]

Prints the table's size (distinct ingredients, rows, by status, fill flags, verified vs
unverified), then looks up 50 drug names common in California workers' compensation requests
(brands and generics, written from general knowledge, not taken from the dev letters) and counts
how many resolve to a listed row, how many are unlisted, and by status. Timed: the 50 lookups.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import time

from openimr.formulary import formulary_status
from openimr.knowledge.formulary import load_formulary

COMMON_NAMES = (
    "Norco 10/325",
    "Percocet 5/325",
    "Vicodin",
    "OxyContin 20 mg",
    "tramadol 50 mg",
    "Ultram",
    "Ultracet",
    "Nucynta",
    "MS Contin",
    "Duragesic patch",
    "Butrans patch",
    "Suboxone",
    "methadone",
    "Tylenol #3",
    "hydromorphone",
    "Motrin 800 mg",
    "ibuprofen",
    "naproxen sodium 550 mg",
    "Anaprox DS",
    "Celebrex",
    "meloxicam",
    "diclofenac",
    "Voltaren gel",
    "nabumetone",
    "Toradol",
    "Flexeril",
    "cyclobenzaprine",
    "Soma",
    "Skelaxin",
    "Zanaflex",
    "Robaxin",
    "baclofen",
    "gabapentin",
    "Neurontin",
    "Lyrica",
    "Topamax",
    "Cymbalta",
    "amitriptyline",
    "trazodone",
    "Lidoderm patch",
    "Terocin",
    "Prilosec",
    "Protonix",
    "Ambien",
    "Xanax",
    "Zofran",
    "Colace",
    "Imitrex",
    "Medrol dose pack",
    "Fioricet",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2019, 6, 1))
    args = ap.parse_args()
    assert len(COMMON_NAMES) == 50

    formulary = load_formulary()
    rows = formulary.rows
    print(f"rows: {len(rows)}; distinct ingredients: {len({r.ingredient for r in rows})}")
    print("by status:", dict(collections.Counter(r.status for r in rows)))
    print(
        f"special fill: {sum(r.special_fill_days is not None for r in rows)}; "
        f"perioperative fill: {sum(r.perioperative_fill_days is not None for r in rows)}"
    )
    verified = sum(r.verified for r in rows)
    print(f"verified: {verified}; unverified: {len(rows) - verified}")
    dated = [v for v in formulary.versions if v.effective]
    print(
        f"list versions: {len(formulary.versions)} ({len(dated)} dated, "
        f"{sum(v.verified for v in formulary.versions)} verified dates)"
    )

    formulary_status("warm up", args.date)  # parser and table loading are not timed
    start = time.perf_counter()
    results = [formulary_status(name, args.date) for name in COMMON_NAMES]
    elapsed = time.perf_counter() - start
    listed = [r for r in results if r.status != "unlisted" and not r.compounded]
    print(f"\n50 common names on {args.date}: {len(listed)} resolve to a listed row")
    print("by status:", dict(collections.Counter(r.status for r in results)))
    print("compounded/kit:", [r.drug for r in results if r.compounded])
    print("unlisted:", [(r.drug, r.ingredients) for r in results if r.status == "unlisted"])
    print(f"needing prospective review: {sum(bool(r.prospective_review) for r in results)}")
    print(f"lookup: {elapsed / len(results) * 1000:.2f} ms per name")


if __name__ == "__main__":
    main()
