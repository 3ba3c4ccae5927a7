"""Re-decide published letters from their header, clinical case summary and item texts only.

The letter is blinded before it is parsed, so an item's decision, guideline lines and rationale
never reach the engine, whether or not the input letter was blinded already.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openimr.domain.determination import ItemDetermination
from openimr.engine.pipeline import decide_items
from openimr.errors import OpenIMRError
from openimr.guidelines import load_knowledge_base
from openimr.letters.blind import blind_text
from openimr.letters.files import letter_files, read_letter_text
from openimr.letters.parse import parse_text
from openimr.letters.to_case import to_case


def letter_text(path: Path) -> str:
    return read_letter_text(path)


def decide_blinded_text(text: str, source_name: str, kb: Any = None) -> list[ItemDetermination]:
    letter = parse_text(blind_text(text, source_name=source_name), source_name=source_name)
    case = to_case(letter)
    return decide_items(case, kb=kb)


def redecide_items(path: Path, kb: Any = None) -> list[ItemDetermination]:
    return decide_blinded_text(letter_text(path), path.name, kb)


def redecide_record(path: Path, items: list[ItemDetermination]) -> dict[str, Any]:
    """The DESIGN.md `redecide --json` shape."""
    return {
        "file": path.name,
        "items": [
            {
                "treatment": item.treatment,
                "decision": item.outcome,
                "guideline": ("Decision based on " + item.citations[0].text())
                if item.citations
                else None,
                "rationale": item.rationale,
                "overturn_likelihood": item.overturn_likelihood,
            }
            for item in items
        ],
    }


def redecide_paths(paths: Iterable[str | Path], kb: Any = None) -> Iterator[dict[str, Any]]:
    """One record per letter; a letter that cannot be read gives {"file", "error"} and the rest go on."""
    kb = kb or load_knowledge_base()
    for path in letter_files(paths):
        try:
            yield redecide_record(path, redecide_items(path, kb))
        except OpenIMRError as exc:
            yield {"file": path.name, "error": str(exc)}
