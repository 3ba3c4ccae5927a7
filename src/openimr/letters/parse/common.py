"""Building blocks shared by the per-format parsers: text clean-up, header fields, sections,
item segmentation and citation splitting.

Text is handled as a list of lines in which "" is a blank line and PAGE ("\f") marks a page
break, so that an item header split across a page break can be joined back together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from openimr.letters.model import Citation, ParsedItem
from openimr.letters.vocab import furniture_regex, guideline_titles

PAGE = "\f"
DATE = r"\d{1,2}/\d{1,2}/\d{2,4}"

_WS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?\"”')]$")


def squash(text: str) -> str:
    """One space between words: the canonical form of every parsed string."""
    return _WS.sub(" ", text).strip()


def to_lines(text: str) -> list[str]:
    """Split text into lines; drop page furniture; keep page breaks as PAGE lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    furniture = furniture_regex()
    lines: list[str] = []
    for page_index, page in enumerate(text.split(PAGE)):
        if page_index:
            lines.append(PAGE)
        for raw in page.split("\n"):
            line = raw.strip()
            if line and furniture.match(line):
                continue
            lines.append(line)
    return lines


def content(lines: Sequence[str]) -> str:
    """The words of some lines, page breaks and blank lines ignored."""
    return squash(" ".join(line for line in lines if line != PAGE))


def find_line(lines: Sequence[str], pattern: re.Pattern[str], start: int = 0) -> int | None:
    for index in range(start, len(lines)):
        if pattern.search(lines[index]):
            return index
    return None


def header_field(text: str, label: str, value: str = DATE) -> str | None:
    """The value printed after a header label (labels may wrap onto the next line)."""
    label_rx = r"\s+".join(re.escape(word) for word in label.split())
    match = re.search(label_rx + r"\s*:?\s*(" + value + ")", text)
    return squash(match.group(1)) if match else None


def header_block_fields(header: str) -> dict[str, str | None]:
    """Case number, dates and priority from the block that opens the 2014+ letters."""
    priority = re.search(r"Priority:\s*([A-Za-z][A-Za-z ]*?)\s*(?:Application\b|\n|$)", header)
    case = re.search(r"Case\s+(?:Number|No\.?)\s*:\s*([A-Z]{2}\d{2}-\d{4,8})", header)
    return {
        "case_number": case.group(1) if case else None,
        "date_assigned": header_field(header, "Date Assigned"),
        "date_of_injury": header_field(header, "Date of Injury"),
        "decision_date": header_field(header, "Decision Date"),
        "ur_denial_date": header_field(header, "UR Denial Date"),
        "priority": squash(priority.group(1)) if priority else None,
        "application_received": _application_received(header),
    }


def _application_received(header: str) -> str | None:
    """The "Application Received" date; some text layers put the date between the two words."""
    value = header_field(header, "Application Received")
    if value:
        return value
    match = re.search(r"Application\s+(" + DATE + r")\s+Received\b", header)
    return match.group(1) if match else None


def labelled_line(lines: Sequence[str], label_rx: str) -> str | None:
    """The text after a label, continued on following lines until a blank line or a label."""
    pattern = re.compile(r"^" + label_rx + r"\s*(.*)$")
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        parts = [match.group(1)]
        for follow in lines[index + 1 :]:
            if not follow or follow == PAGE or re.match(r"^[A-Z][\w()/ ]+:", follow):
                break
            if follow.isupper():  # the next section heading
                break
            parts.append(follow)
        value = squash(" ".join(parts))
        return value or None
    return None


# --- item segmentation -----------------------------------------------------------------------

ITEM_LABELS = (
    ("claims_administrator_guideline", r"Claims\s+Administrator\s+guideline\s*:"),
    (
        "maximus_guideline",
        r"(?:(?:MAXIMUS|Expert\s+Reviewer(?:'s)?|IMR)\s+guideline\s*:"
        r"|Guideline\(?s?\)?\s+relied\s+(?:up)?on(?:\s+by\s+the\s+(?:Expert|Professional)\s+Reviewer)?"
        r"\s*:)",
    ),
    ("decision_rationale", r"Decision\s+rationale\s*:"),
)
_LABEL_START = re.compile(r"^(?:" + "|".join(rx for _, rx in ITEM_LABELS) + ")", re.IGNORECASE)
_MARKER_SAME_LINE = re.compile(r"^(?P<head>.*?)(?::|\bis)\s*(?P<dec>Upheld|Overturned|Pending)\.?$")
_MARKER_ALONE = re.compile(r"^(?P<dec>Upheld|Overturned|Pending)\.?$")
# the 2014-2015 wording of an item line: "<treatment> is [not] medically necessary and appropriate"
_MARKER_NECESSITY = re.compile(
    r"\s+is\s+(?P<neg>not\s+)?medically\s+necessary(?:\s+and\s+appropriate)?\.?$", re.IGNORECASE
)
_CONTINUATION = re.compile(
    r"^(?:[a-z]|was authorized\b|authorized\b|The remaining IMR|remaining IMR|The original request,"
    r"|by the Claims|Claims Administrator\.|Administrator\.|request IMR|IMR eligible)"
)
_PARTIAL = re.compile(
    r"was the original request|remaining IMR\s+eligible|leaving the original", re.I
)


def _next_content(lines: Sequence[str], index: int) -> str | None:
    for line in lines[index:]:
        if line and line != PAGE:
            return line
    return None


def _previous_content_index(lines: Sequence[str], index: int, floor: int) -> int | None:
    for back in range(index - 1, floor - 1, -1):
        if lines[back] and lines[back] != PAGE:
            return back
    return None


def find_markers(lines: Sequence[str]) -> list[tuple[int, str]]:
    """(line index, decision word) of every item header's decision, in order."""
    markers: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if not line or line == PAGE:
            continue
        same = _MARKER_SAME_LINE.match(line)
        alone = _MARKER_ALONE.match(line)
        if same and same.group("head").strip():
            decision = same.group("dec")
        elif alone:
            prev = _previous_content_index(lines, index, 0)
            if prev is None or not re.search(r"(?::|\bis)$", lines[prev]):
                continue
            decision = alone.group("dec")
        else:
            if not line.rstrip(". ").lower().endswith(("necessary", "appropriate")):
                continue
            following = _next_content(lines, index + 1)
            necessity = _MARKER_NECESSITY.search(content(lines[max(0, index - 3) : index + 1]))
            if not necessity or following is None or not _LABEL_START.match(following):
                continue
            decision = "Upheld" if necessity.group("neg") else "Overturned"
        following = _next_content(lines, index + 1)
        if decision == "Pending" or following is None or _LABEL_START.match(following):
            markers.append((index, decision))
    return markers


def _needs_more(candidate: list[str], clean_break: bool = False) -> bool:
    """True when a header candidate is only the tail of a longer header (split paragraph).

    After a clean break (a blank line, no page break, the text before it a finished sentence) a
    header may well start in lower case ("retrospective ..."): only the partial-authorization
    sentences then show that more belongs to it.
    """
    text = content(candidate)
    if not text or _MARKER_ALONE.match(text):
        return True
    if not clean_break and _CONTINUATION.match(text):
        return True
    if clean_break and re.match(
        r"^(?:was authorized|authorized|by the Claims|Administrator\.)", text
    ):
        return True
    return bool(
        re.search(r"remaining IMR\s+eligible|The original request,", text)
    ) and not re.search(r"was the original request", text)


def header_start(lines: Sequence[str], marker: int, floor: int) -> int:
    """First line of the item header whose decision is on line `marker`.

    Walks back to a paragraph break (a blank line; a break at a page boundary only counts after
    a finished sentence), then further while the header reads as the tail of a split header.
    Letters without blank lines fall back to sentence ends.
    """
    start = marker
    index = marker - 1
    while index >= floor:
        line = lines[index]
        if line and line != PAGE:
            if _LABEL_START.match(line):
                break  # walked into the previous item's labelled paragraphs
            start = index
            index -= 1
            continue
        run_end = index
        while index >= floor and (not lines[index] or lines[index] == PAGE):
            index -= 1
        if index < floor:
            return start
        run = lines[index + 1 : run_end + 1]
        has_blank = any(not line for line in run)
        finished = bool(_SENTENCE_END.search(lines[index]))
        is_break = has_blank and (PAGE not in run or finished)
        clean = is_break and PAGE not in run and finished
        if is_break and not _needs_more(list(lines[start : marker + 1]), clean):
            return start
    else:
        return start
    # no blank line separates the header from the previous item: start after the last finished
    # sentence that leaves a complete header
    start = marker
    for back in range(marker - 1, floor - 1, -1):
        line = lines[back]
        if not line or line == PAGE:
            continue
        if _SENTENCE_END.search(line) and not _needs_more(list(lines[start : marker + 1])):
            return start
        if _LABEL_START.match(line):
            return start
        start = back
    return start


def split_item_body(body: str) -> dict[str, str | None]:
    """The labelled paragraphs under an item header."""
    found: list[tuple[int, int, str]] = []
    for key, rx in ITEM_LABELS:
        match = re.search(rx, body, re.IGNORECASE)
        if match:
            found.append((match.start(), match.end(), key))
    found.sort()
    out: dict[str, str | None] = {key: None for key, _ in ITEM_LABELS}
    for position, (_, end, key) in enumerate(found):
        stop = found[position + 1][0] if position + 1 < len(found) else len(body)
        out[key] = squash(body[end:stop]) or None
    return out


def item_spans(lines: Sequence[str]) -> list[tuple[int, int, int, str]]:
    """(header start, decision line, end, decision word) of each item in an issues section.

    The header runs from its start to the decision line; the body (guideline and rationale
    paragraphs) from the line after the decision to `end` (exclusive).
    """
    markers = find_markers(lines)
    starts: list[int] = []
    floor = 0
    for marker, _ in markers:
        starts.append(header_start(lines, marker, floor))
        floor = marker + 1
    spans = []
    for position, (marker, decision) in enumerate(markers):
        end = starts[position + 1] if position + 1 < len(markers) else len(lines)
        spans.append((starts[position], marker, end, decision))
    return spans


def treatment_of(header: str, decision: str) -> str:
    """The item text of a header line, without its decision ("X: Upheld", "X is: Upheld",
    "X is not medically necessary and appropriate")."""
    if header.rstrip(". ").endswith(decision):
        if re.search(r"\bis:?\s*" + decision + r"\.?$", header):
            # keep the " is" of "... Z is: Upheld", as published; drop the colon
            return re.sub(r":?\s*" + decision + r"\.?$", "", header).rstrip(": ").strip()
        match = _MARKER_SAME_LINE.match(header)
        if match:
            return match.group("head").strip().rstrip(":").strip()
    if _MARKER_NECESSITY.search(header):
        return _MARKER_NECESSITY.sub("", header).strip()
    return header


def segment_items(lines: Sequence[str]) -> list[ParsedItem]:
    """Items of an issues section (the lines after its heading and preamble)."""
    items: list[ParsedItem] = []
    for start, marker, end, decision in item_spans(lines):
        treatment = treatment_of(content(lines[start : marker + 1]), decision)
        body_text = "\n".join(line for line in lines[marker + 1 : end] if line != PAGE)
        fields = split_item_body(body_text)
        maximus = fields["maximus_guideline"]
        claims = fields["claims_administrator_guideline"]
        items.append(
            ParsedItem(
                treatment=treatment,
                decision=None if decision == "Pending" else decision,  # type: ignore[arg-type]
                claims_administrator_guideline=claims,
                maximus_guideline=maximus,
                decision_rationale=fields["decision_rationale"],
                partial_authorization=bool(_PARTIAL.search(treatment)),
                no_evidence_cited=bool(maximus and re.search(r"did not cite any", maximus, re.I)),
                citations=split_citations(maximus),
                claims_administrator_citations=split_citations(claims),
            )
        )
    return items


# --- citations ---------------------------------------------------------------------------------

_CITATION_SPLIT = re.compile(r"Decision based on\s+", re.IGNORECASE)
_NON_MTUS = re.compile(r"^(?:Non-MTUS\s+Citation|Non-MTUS\s+Citations?:?)\s*", re.IGNORECASE)


def _source_of(name: str) -> str:
    for row in guideline_titles():
        if name.lower().startswith(row.title.lower()):
            return row.source
    return "other"


def split_citation(chunk: str) -> Citation | None:
    chunk = squash(chunk).rstrip(" .")
    chunk = _NON_MTUS.sub("", chunk)
    if not chunk:
        return None
    pages = None
    page_match = re.search(r"\s*Page\(?s?\)?\s*:\s*(.+)$", chunk)
    if page_match:
        pages = page_match.group(1).strip(" .") or None
        chunk = chunk[: page_match.start()]
    section_match = re.search(r",?\s*Section\(?s?\)?\s*:\s*", chunk)
    if section_match:
        name = chunk[: section_match.start()].strip(" ,")
        section = chunk[section_match.end() :].strip(" .,") or None
        return Citation(guideline=name, source=_source_of(name), section=section, pages=pages)
    for row in guideline_titles():
        if chunk.lower().startswith(row.title.lower()):
            # the title, an optional year, then the topic (the 2014-2015 "Page(s):" form)
            rest = chunk[len(row.title) :]
            year = re.match(r"\s*(?:Guidelines\s*)?(?:\(?\d{4}\)?)?", rest)
            cut = len(row.title) + (year.end() if year else 0)
            name = chunk[:cut].strip(" ,")
            section = chunk[cut:].strip(" ,.:") or None
            if row.source == "ODG":
                name, section = _odg_parts(chunk)
            return Citation(guideline=name, source=row.source, section=section, pages=pages)  # type: ignore[arg-type]
    name, _, section = chunk.partition(":")
    return Citation(
        guideline=name.strip(), source="other", section=section.strip() or None, pages=pages
    )


def _odg_parts(chunk: str) -> tuple[str, str | None]:
    match = re.match(r"(Official Disability Guidelines|ODG)(\s*\(ODG\))?[\s,]*(.*)$", chunk, re.I)
    if not match:
        return chunk, None
    return "Official Disability Guidelines", match.group(3).strip(" ,.:") or None


@lru_cache(maxsize=1)
def _joined_chapter() -> re.Pattern[str]:
    """ ", and <MTUS chapter title>": letters cite several MTUS chapters in one sentence."""
    titles = sorted(
        {
            row.title.removeprefix("MTUS ").strip()
            for row in guideline_titles()
            if row.source == "MTUS" and row.title != "MTUS"
        },
        key=len,
        reverse=True,
    )
    alternatives = "|".join(re.escape(title) for title in titles)
    return re.compile(r",\s+and\s+(?=(?:MTUS\s+)?(?:" + alternatives + r")\b)")


def _chapters(chunk: str) -> list[str]:
    parts = _joined_chapter().split(chunk)
    if len(parts) > 1 and parts[0].lstrip().startswith("MTUS"):
        parts = [parts[0]] + [p if p.startswith("MTUS") else f"MTUS {p}" for p in parts[1:]]
    return parts


def split_citations(guideline_text: str | None) -> list[Citation]:
    """Each "Decision based on ..." of a guideline paragraph as a Citation; several MTUS
    chapters joined by ", and" in one sentence become one Citation each."""
    if not guideline_text or re.search(r"did not cite any", guideline_text, re.I):
        return []
    chunks = _CITATION_SPLIT.split(guideline_text)[1:]
    citations = []
    for chunk in chunks:
        for part in _chapters(squash(chunk)):
            citation = split_citation(part)
            if citation:
                citations.append(citation)
    return citations
