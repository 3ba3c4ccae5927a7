"""Normalized names of guideline documents and sections, and the cited (document, section) pair.

The normalization rule is stated in `openimr.guidelines.citations`; it lives here, below both the
knowledge base (which indexes every row under these keys) and the citation parser (which reads
letters into them), so that neither imports the other to share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openimr.domain.guideline import SearchLevel

_DROP_TOKENS = {"guideline", "mtu", "mtus", "chapter", "section", "topic", "ca", "california"}
_PARENS = re.compile(r"\([^()]*\)")


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str, drop: bool = True) -> list[str]:
    """Normalized word tokens of a citation fragment (rule: `openimr.guidelines.citations`)."""
    text = text.replace("®", " ").replace("™", " ").replace("&", " and ").replace("'s", "s")
    text = text.replace("’s", "s")
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)  # "Electro- diagnostic" broken across lines
    words = [_singular(w) for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    if drop:
        words = [w for w in words if w not in _DROP_TOKENS]
    return words


def section_key(text: str) -> str:
    """The normalized section name used for matching ("" when the text names no section)."""
    return " ".join(tokens(text))


def section_keys(text: str) -> set[str]:
    """Keys a section name matches under: with and without its parenthesised part."""
    keys = {section_key(text)}
    bare = section_key(_PARENS.sub(" ", text))
    if bare:
        keys.add(bare)
    return {k for k in keys if k}


@dataclass(frozen=True)
class CitationRef:
    """One cited (document, section) pair."""

    guideline_key: str  # document identity, e.g. "mtus_cpmtg", "odg_low_back", "odg"
    section_key: str | None  # normalized section, None for a whole-document citation
    section_text: str | None = None
    edition: str | None = None
    level: SearchLevel = "mtus"
