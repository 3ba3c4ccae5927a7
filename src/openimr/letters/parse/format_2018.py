"""Later letters: a DOCUMENTS REVIEWED section and "IMR DECISION(S) AND RATIONALE(S)"."""

from __future__ import annotations

from collections.abc import Sequence

from openimr.letters.model import ParsedLetter
from openimr.letters.parse.sections import Layout, parse_sectioned

LAYOUT = Layout(format="format_2018", has_documents_reviewed=True)


def parse(lines: Sequence[str], source_name: str | None = None) -> ParsedLetter:
    return parse_sectioned(lines, LAYOUT, source_name)
