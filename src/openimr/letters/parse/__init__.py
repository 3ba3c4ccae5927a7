"""Published IMR letters -> ParsedLetter. One module per historic format, chosen by detection.

parse_letter(path_or_bytes) -> ParsedLetter     (PDF, encrypted PDF, or text file)
parse_text(text, source_name=None) -> ParsedLetter
detect_format(text) -> LetterFormat | None
"""

from __future__ import annotations

import re
from pathlib import Path

from openimr.errors import InputError
from openimr.letters.files import read_letter_text
from openimr.letters.model import LetterFormat, ParsedLetter
from openimr.letters.parse import format_2014, format_2016, format_2018, notice_2013
from openimr.letters.parse.common import to_lines
from openimr.letters.pdftext import is_pdf, pdf_text

_PARSERS = {
    "notice_2013": notice_2013.parse,
    "format_2014": format_2014.parse,
    "format_2016": format_2016.parse,
    "format_2018": format_2018.parse,
}

_NOTICE = re.compile(
    r"Notice of Independent Medical Review Determination|^\s*MEDICAL PROFESSIONAL REVIEW", re.I
)
_LATER = re.compile(r"^\s*(?:DOCUMENTS REVIEWED|IMR DECISION\(S\) AND RATIONALE\(S\))", re.M)
_SECTIONED = re.compile(
    r"^\s*(?:IMR ISSUES,? DECISIONS,? AND RATIONALES|HOW THE IMR FINAL DETERMINATION WAS MADE)",
    re.M | re.I,
)
_PAGES_CITATION = re.compile(r"Page\(s\)\s*:")
_SECTION_CITATION = re.compile(r"Section\(s\)\s*:")
_CASE_HEADER = re.compile(r"^\s*Case Number:", re.M)


def detect_format(text: str) -> LetterFormat | None:
    """Which historic layout a letter's text follows; None when it is not an IMR letter."""
    head = text[:3000]
    if _NOTICE.search(head):
        return "notice_2013"
    if _LATER.search(text):
        return "format_2018"
    if _SECTIONED.search(text):
        if _PAGES_CITATION.search(text) and not _SECTION_CITATION.search(text):
            return "format_2014"
        if not _CASE_HEADER.search(head) and not _SECTION_CITATION.search(text):
            return "format_2014"  # the 2014-2015 letters as published without the header block
        return "format_2016"
    return None


def parse_text(text: str, source_name: str | None = None) -> ParsedLetter:
    """Parse a letter's text (pages separated by form feeds, as pdftext produces)."""
    fmt = detect_format(text)
    if fmt is None:
        name = source_name or "text"
        raise InputError(f"{name}: not an IMR Final Determination Letter (no known letter layout)")
    letter = _PARSERS[fmt](to_lines(text), source_name)
    if not letter.items:
        name = source_name or "text"
        raise InputError(f"{name}: IMR letter layout found but no decided or pending item")
    return letter


def parse_letter(source: str | Path | bytes) -> ParsedLetter:
    """Parse a letter from a PDF or text file path, from PDF/text bytes, or from its text."""
    if isinstance(source, bytes):
        if is_pdf(source):
            return parse_text(pdf_text(source), None)
        return parse_text(source.decode("utf-8", errors="replace"), None)
    if isinstance(source, str) and ("\n" in source or len(source) > 1024):
        return parse_text(source)  # the letter's text itself, not a file name
    path = Path(source)
    return parse_text(read_letter_text(path), path.name)


__all__ = ["detect_format", "parse_letter", "parse_text"]
