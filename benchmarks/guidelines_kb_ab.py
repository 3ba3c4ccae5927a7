"""A/B of the knowledge base alone: evaluate the dev letters with the guideline data of a git
revision and with the work tree's, everything else (requests, evidence, engine) being the same code.

Other packages change while the knowledge base is edited, so comparing `openimr evaluate` runs taken
at different times mixes their changes with ours; this swaps only `src/openimr/guidelines/data`.

    .venv/bin/python benchmarks/guidelines_kb_ab.py REV [--letters DIR] [--diff]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from openimr.evaluation.evaluate import evaluate_paths
from openimr.guidelines.kb import KnowledgeBase
from openimr.guidelines.loader import DATA_DIR, load_files

ROOT = Path(__file__).resolve().parents[1]
LETTERS = Path("/work/shared/data/dwc-imr-letters/txt")
DATA_PATH = "src/openimr/guidelines/data"
SHOWN = (
    "accuracy",
    "balanced_accuracy",
    "kappa",
    "overturn_precision",
    "overturn_recall",
    "macro_f1",
    "citation_agreement",
)


def data_at(rev: str, into: Path) -> Path:
    """The guideline data files as committed at `rev`, extracted under `into`."""
    archive = subprocess.run(
        ["git", "archive", rev, DATA_PATH], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / DATA_PATH


def run(data_dir: Path, letters: Path):
    return evaluate_paths([letters], kb=KnowledgeBase(load_files(data_dir)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="git revision whose guideline data is the baseline")
    parser.add_argument("--letters", type=Path, default=LETTERS)
    parser.add_argument("--diff", action="store_true", help="list items whose outcome changed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = run(data_at(args.rev, Path(tmp)), args.letters)
    after = run(DATA_DIR, args.letters)
    print(f"{'metric':22} {args.rev[:10]:>10} {'work tree':>10}")
    for key in SHOWN:
        print(f"{key:22} {before.metrics[key]:10.3f} {after.metrics[key]:10.3f}")
    print(f"{'confusion':22} {before.confusion} -> {after.confusion}")
    if args.diff:
        for old, new in zip(before.items, after.items, strict=True):
            if old.ours != new.ours:
                mark = "now right" if new.ours == new.truth else "now wrong"
                print(f"  {mark:9} {new.case_number} {new.truth:10} {new.treatment[:70]}")


if __name__ == "__main__":
    main()
