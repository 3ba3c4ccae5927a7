"""Finding letter files and reading their text: one place for every command that takes letters."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openimr.errors import InputError, NotFoundError
from openimr.letters.pdftext import is_pdf, pdf_text

LETTER_SUFFIXES = (".pdf", ".txt")


def letter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the .pdf/.txt letters inside directories named, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in LETTER_SUFFIXES
            )
            if not found:
                raise InputError(f"{path}: no .pdf or .txt letters in this directory")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise NotFoundError(f"{path}: no such file or directory")
    if not out:
        raise InputError("no letters given")
    return out


def read_letter_text(path: str | Path) -> str:
    """A letter's text: PDFs (encrypted ones too) through the PDF extractor, else UTF-8 text
    (Latin-1 as a last resort, as old exports use it)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected one letter (PDF or text)")
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file")
    data = path.read_bytes()
    if is_pdf(data):
        return pdf_text(data, name=str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
