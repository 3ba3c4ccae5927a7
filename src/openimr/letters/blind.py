"""Blinding: a letter with every item header reading "<treatment>: Pending" and the guideline and
rationale paragraphs under it removed (DESIGN.md). Everything else is kept as printed, so a
re-decision sees the same header, case summary and item texts the reviewer saw."""

from __future__ import annotations

from openimr.errors import InputError
from openimr.letters.parse import detect_format
from openimr.letters.parse.common import PAGE, content, item_spans, to_lines, treatment_of
from openimr.letters.parse.sections import items_begin, items_end


def blind_text(text: str, source_name: str | None = None) -> str:
    """The blinded letter text (pages still separated by form feeds)."""
    fmt = detect_format(text)
    name = source_name or "text"
    if fmt is None:
        raise InputError(f"{name}: not an IMR Final Determination Letter (no known letter layout)")
    if fmt == "notice_2013":
        raise InputError(
            f"{name}: blinding supports the 2014 and later layouts, not the 2013 notice"
        )
    lines = to_lines(text)
    begin = items_begin(lines)
    spans = item_spans(lines[begin : items_end(lines, begin)]) if begin is not None else []
    if begin is None or not spans:
        raise InputError(f"{name}: IMR letter layout found but no decided or pending item")
    out = list(lines[: begin + spans[0][0]])
    for start, marker, _end, decision in spans:
        header = content(lines[begin + start : begin + marker + 1])
        out.extend([f"{treatment_of(header, decision)}: Pending", ""])
    blinded = "\n".join(out).replace(f"\n{PAGE}\n", PAGE)
    return blinded.rstrip("\n") + "\n"
