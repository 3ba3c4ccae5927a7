"""Write tests/golden/letters/<case>.json from the DWC letters JSONL plus reviewed corrections.

The JSONL was extracted by script; each correction below was checked by reading the PDF
(pdf/<case>.pdf) and is listed in docs/benchmarks/letters.md. Strings are compared in canonical
form (runs of whitespace as one space), so the golden files store them that way.

    .venv/bin/python benchmarks/letters_golden_from_jsonl.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENIMR_SHARED", ROOT / ".." / "shared"))
JSONL = SHARED / "data" / "dwc-imr-letters" / "dwc_imr_letters_2016_2017.jsonl"
OUT = ROOT / "tests" / "golden" / "letters"

# (case, field path, value in the JSONL, value printed in the PDF)
CORRECTIONS: list[tuple[str, str, str, str]] = [
    (
        "CM17-0007300",
        "reviewer_specialty",
        "Preventive Medicine, Occupational Medicine, Public Health &",
        "Preventive Medicine, Occupational Medicine, Public Health & General Preventive Medicine",
    ),
    (
        "CM17-0008551",
        "reviewer_specialty",
        "Physical Medicine & Rehabilitation, Pain Management, Occupational",
        "Physical Medicine & Rehabilitation, Pain Management, Occupational Medicine",
    ),
    (
        "CM17-0016761",
        "reviewer_specialty",
        "Preventive Medicine, Occupational Medicine, Public Health &",
        "Preventive Medicine, Occupational Medicine, Public Health & General Preventive Medicine",
    ),
    (
        "CM17-0017104",
        "reviewer_specialty",
        "Preventive Medicine, Occupational Medicine, Public Health &",
        "Preventive Medicine, Occupational Medicine, Public Health & General Preventive Medicine",
    ),
]

LETTER_KEYS = (
    "case_number",
    "date_assigned",
    "date_of_injury",
    "decision_date",
    "ur_denial_date",
    "priority",
    "application_received",
    "reviewer_licensure",
    "reviewer_specialty",
    "clinical_case_summary",
)
ITEM_KEYS = (
    "treatment",
    "decision",
    "claims_administrator_guideline",
    "maximus_guideline",
    "decision_rationale",
)


def canonical(value: object) -> object:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    fixes = {(case, path): (old, new) for case, path, old, new in CORRECTIONS}
    for line in JSONL.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        case = row["case_number"]
        golden = {key: canonical(row[key]) for key in LETTER_KEYS}
        golden["items"] = [{k: canonical(item[k]) for k in ITEM_KEYS} for item in row["items"]]
        for (fix_case, path), (old, new) in fixes.items():
            if fix_case != case:
                continue
            assert golden[path] == old, f"{case} {path}: JSONL no longer reads {old!r}"
            golden[path] = new
        golden["source_pdf"] = row["source_pdf"]
        (OUT / f"{case}.json").write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(list(OUT.glob('*.json')))} golden files to {OUT}")


if __name__ == "__main__":
    main()
