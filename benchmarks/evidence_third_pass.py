"""Score held-out set 5 (third pass): comorbidity / bleeding / cardiac kinds and red-flag sites.

    .venv/bin/python benchmarks/evidence_third_pass.py [--errors]

Kinds: micro precision/recall of (kind, status) pairs per sentence (openimr.evidence.scoring).
Red-flag sites: for each row labelled with `red_flag_sites`, whether the asserted red_flag facts
carry exactly those body parts in `sentence_body_parts`, and whether `historical` matches
`red_flag_historical`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELDOUT5 = ROOT / "tests" / "data" / "evidence_heldout5.jsonl"


def site_agreement(rows: list[dict]) -> dict:
    from openimr.evidence import extract_text

    checked = right_sites = right_history = 0
    misses = []
    for row in rows:
        if row.get("red_flag_sites") is None:
            continue
        facts = extract_text(row["text"]).asserted("red_flag")
        sites = {p for f in facts for p in f.attributes.get("sentence_body_parts") or []}
        historical = any(f.historical for f in facts)
        checked += 1
        ok_sites = bool(facts) and sites == set(row["red_flag_sites"])
        ok_history = bool(facts) and historical == row.get("red_flag_historical", False)
        right_sites += ok_sites
        right_history += ok_history
        if not (ok_sites and ok_history):
            misses.append(
                {
                    "text": row["text"][:120],
                    "want": row["red_flag_sites"],
                    "got": sorted(sites),
                    "historical": historical,
                }
            )
    return {
        "checked": checked,
        "sites_right": right_sites,
        "history_right": right_history,
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    from openimr.evidence.scoring import load_gold, score

    rows = load_gold(HELDOUT5)
    result = score(rows)
    print("kinds:", json.dumps(result["micro"]))
    for kind, figures in result["per_kind"].items():
        print(f"  {kind}: {json.dumps(figures)}")
    sites = site_agreement(rows)
    print(
        f"red-flag sites right: {sites['sites_right']}/{sites['checked']}, "
        f"historical right: {sites['history_right']}/{sites['checked']}"
    )
    if args.errors:
        for error in result["errors"]:
            print("ERR", json.dumps(error))
        for miss in sites["misses"]:
            print("SITE", json.dumps(miss))


if __name__ == "__main__":
    main()
