"""Re-decide published letters from their header, clinical case summary and item texts only.

The letter is blinded before it is parsed, so an item's decision, guideline lines and rationale
never reach the engine, whether or not the input letter was blinded already.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openimr.domain.determination import ItemDetermination
from openimr.errors import InputError

LETTER_SUFFIXES = (".pdf", ".txt")


def letter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and letters (.pdf/.txt) inside directories named, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in LETTER_SUFFIXES))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return out


def letter_text(path: Path) -> str:
    """A letter's text: PDFs (encrypted ones too) through the letters package's extractor."""
    from openimr.letters.pdftext import is_pdf, pdf_text

    data = path.read_bytes()
    if is_pdf(data):
        return pdf_text(data, name=str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: neither a PDF nor a UTF-8 text letter") from None


def decide_blinded_text(text: str, source_name: str, kb: Any = None) -> list[ItemDetermination]:
    from openimr.engine.pipeline import decide_items
    from openimr.letters.blind import blind_text
    from openimr.letters.parse import parse_text
    from openimr.letters.to_case import to_case

    letter = parse_text(blind_text(text), source_name=source_name)
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
                "guideline": ("Decision based on " + item.citations[0].text()) if item.citations else None,
                "rationale": item.rationale,
            }
            for item in items
        ],
    }


def redecide_paths(paths: Iterable[str | Path], kb: Any = None) -> Iterator[dict[str, Any]]:
    from openimr.guidelines import load_knowledge_base

    kb = kb or load_knowledge_base()
    for path in letter_files(paths):
        yield redecide_record(path, redecide_items(path, kb))
