"""2014-2015 letters (the seed's format): guideline lines cite "Page(s): 60; 98-99"."""

from __future__ import annotations

from collections.abc import Sequence

from openimr.letters.model import ParsedLetter
from openimr.letters.parse.sections import Layout, parse_sectioned

LAYOUT = Layout(format="format_2014", has_documents_reviewed=False)


def parse(lines: Sequence[str], source_name: str | None = None) -> ParsedLetter:
    return parse_sectioned(lines, LAYOUT, source_name)
