"""Render a Determination as a Final Determination Letter in the DWC format: text, HTML, PDF, JSON.

The letter is rendered only from the Determination (outcome, citations, rationale), never from
the case, so what the letter says is exactly what was decided. A draft says DRAFT on every page;
a signed letter carries the reviewer's attestation instead.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
import threading
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from openimr.domain.determination import Determination, ItemDetermination
from openimr.domain.guideline import mtus_silence_note
from openimr.errors import InputError

FORMATS = ("text", "html", "pdf", "json")
TEXT_WIDTH = 95
TEXT_PAGE_LINES = 56  # body lines per page-equivalent of the text letter (a printed page)
TEMPLATE_DIR = Path(__file__).parent / "templates"
_PDF_LOCK = threading.Lock()

# Our own wording of the DWC boilerplate: who the reviewer is and what they had to be.
HOW_MADE = (
    "The independent medical review organization sent the complete case file to an expert "
    "reviewer. The expert reviewer has no affiliation with the employer, the employee, the "
    "providers or the claims administrator. The expert reviewer has been in active clinical "
    "practice for more than five years and currently works at least 24 hours a week in active "
    "practice. The expert reviewer was chosen for clinical experience, education, background and "
    "expertise in the same or a similar specialty to those that evaluate or treat the medical "
    "condition and the disputed items/services, and knows the governing laws and regulations, "
    "including the strength of evidence hierarchy that applies to Independent Medical Review "
    "determinations."
)
SUMMARY_INTRO = (
    "The expert reviewer developed the following clinical case summary based on a review of the "
    "case file, including all medical records:"
)
ISSUES_INTRO = (
    "The Final Determination was based on decisions for the disputed items/services set forth "
    "below:"
)
DRAFT_BANNER = "DRAFT - NOT A FINAL DETERMINATION - NOT YET SIGNED BY THE ASSIGNED EXPERT REVIEWER"
DRAFT_PAGE_MARK = "DRAFT - NOT A FINAL DETERMINATION"
DRAFT_FOOTER = (
    "DRAFT: this determination has not been signed by the assigned expert reviewer. It is not a "
    "Final Determination and must not be served on the parties."
)

# Two-letter codes as case data and panels hold them; letters print the state's name.
STATE_NAMES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
_ITEM_HEADING = re.compile(r": (?:Upheld|Overturned|Pending)$")
PRIORITY_LABELS = {"regular": "Standard", "expedited": "Expedited"}


def render_letter(det: Determination, fmt: str) -> str | bytes:
    """The letter for `det` in `fmt` (text|html|json -> str, pdf -> bytes). Same input, same output."""
    if fmt == "text":
        return render_text(det)
    if fmt == "html":
        return render_html(det)
    if fmt == "pdf":
        return render_pdf(det)
    if fmt == "json":
        return det.model_dump_json(indent=2) + "\n"
    raise InputError(
        f"format: unknown letter format {fmt!r} (expected one of {', '.join(FORMATS)})"
    )


def is_draft(det: Determination) -> bool:
    """A letter loses its DRAFT mark only with a signature: "signed" without one stays a draft."""
    return not (det.status == "signed" and det.signature is not None)


def render_text(det: Determination) -> str:
    body = _template("letter.txt.j2").render(**letter_context(det))
    lines = _wrap(body, TEXT_WIDTH)
    return _paginate_text(lines, det)


def render_html(det: Determination) -> str:
    context = letter_context(det)
    context["css"] = (TEMPLATE_DIR / "letter.css").read_text(encoding="utf-8")
    return _template("letter.html.j2").render(**context)


def render_pdf(det: Determination) -> bytes:
    from weasyprint import HTML  # heavy: imported only when a PDF is asked for

    html = render_html(det)
    # fontTools stamps the current time into each embedded font subset unless SOURCE_DATE_EPOCH
    # is set; pin it to the decision date so the same determination gives the same bytes.
    epoch = dt.datetime.combine(det.decision_date, dt.time(), tzinfo=dt.UTC).timestamp()
    with _PDF_LOCK:  # the environment is process-wide: one PDF at a time per process
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = previous or str(int(epoch))
        try:
            return HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf()
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)


# ---------------------------------------------------------------------------------------------
# Context: every string the templates print, computed once so text and HTML say the same thing.


def letter_context(det: Determination) -> dict[str, Any]:
    header = [
        ("Date Assigned", _date(det.date_assigned)),
        ("Date of Injury", _date(det.date_of_injury)),
        ("Decision Date", _date(det.decision_date)),
        ("UR Denial Date", _date(det.ur_denial_date)),
        ("Priority", PRIORITY_LABELS.get(det.priority, det.priority.title())),
        ("Application Received", _date(det.application_received)),
    ]
    pairs = [(header[i], header[i + 1]) for i in range(0, len(header), 2)]
    return {
        "case_number": det.case_number,
        "draft": is_draft(det),
        "draft_banner": DRAFT_BANNER,
        "draft_footer": DRAFT_FOOTER,
        "header_pairs": pairs,
        "header_rows": "\n".join(
            f"{left[0] + ': ' + left[1]:<45}{right[0]}: {right[1]}" for left, right in pairs
        ),
        "how_made": HOW_MADE,
        "licensure": _licensure(det),
        "specialty": det.reviewer.specialty if det.reviewer else "Not yet assigned",
        "documents": [doc.description for doc in det.documents_reviewed],
        "summary_intro": SUMMARY_INTRO,
        "summary_paragraphs": _paragraphs(det.clinical_case_summary),
        "issues_intro": ISSUES_INTRO,
        "items": [_item_context(item) for item in det.items],
        "signature": _signature_context(det),
        "engine_version": det.engine_version,
        "metadata_date": det.decision_date.isoformat(),
    }


def _item_context(item: ItemDetermination) -> dict[str, Any]:
    lead = _heading_lead(item)
    return {
        "outcome": item.outcome,
        "heading_lead": lead,
        "heading": f"{lead}{item.outcome}",
        "claims_guideline": _claims_guideline(item.claims_administrator_guideline),
        "guideline_relied_on": _guideline_relied_on(item),
        "rationale_paragraphs": _paragraphs(item.rationale) or ["No rationale was recorded."],
    }


def _heading_lead(item: ItemDetermination) -> str:
    """The item line before the outcome: "<treatment>: ", led by the DWC partial-authorization
    sentence ("X was the original request. Y was authorized ...") when the request has one."""
    treatment = " ".join(item.treatment.split())
    partial = item.request.partial_authorization
    if partial is None or "original request" in treatment.lower():
        return f"{treatment}: "
    original = _sentence(partial.original.text, end="")
    if partial.authorized is None:
        return f"The original request, {treatment}: "
    authorized = _sentence(partial.authorized.text, end="")
    return (
        f"{original} was the original request. {authorized} was authorized by the Claims "
        f"Administrator. The remaining IMR eligible portion of the original request, {treatment}: "
    )


def _claims_guideline(text: str | None) -> str:
    if not text or not text.strip():
        return "Not stated in the utilization review determination."
    text = text.strip()
    if not text.lower().startswith("decision based on"):
        text = f"Decision based on {text}"
    return _sentence(text)


def _guideline_relied_on(item: ItemDetermination) -> str:
    # where the search went past the MTUS (9792.21.1), say so plainly, with the review date
    silent = mtus_silence_note(item.search_level, item.review_date, "%m/%d/%Y")
    lead = f"{silent} " if silent else ""
    if not item.citations:
        return f"{lead}No guideline citation was recorded."
    first = item.citations[0]
    text = f"Decision based on {_sentence(first.text())}"
    if first.level != "mtus":
        # the DWC letters say so when the reviewer had to go past the MTUS (search sequence)
        text = (
            "The expert reviewer based the decision on recommendation(s) outside of the MTUS. "
            f"{lead}Decision based on Non-MTUS Citation {_sentence(first.text())}"
        )
    others = [c.text() for c in item.citations[1:]]
    if others:
        text += " Also considered: " + _sentence("; ".join(others))
    return text


def _signature_context(det: Determination) -> dict[str, str] | None:
    if is_draft(det) or det.signature is None:
        return None
    signed_at = det.signature.signed_at
    if signed_at.tzinfo is not None:
        signed_at = signed_at.astimezone(dt.UTC)
        when = signed_at.strftime("%m/%d/%Y at %H:%M UTC")
    else:
        when = signed_at.strftime("%m/%d/%Y at %H:%M")
    return {
        "reviewer_code": det.signature.reviewer_code,
        "signed_at": when,
        "attestation": det.signature.attestation,
    }


def _licensure(det: Determination) -> str:
    if det.reviewer is None or not det.reviewer.licensure:
        return "Not yet assigned"
    return ", ".join(STATE_NAMES.get(s.strip().upper(), s.strip()) for s in det.reviewer.licensure)


def _date(value: dt.date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else "Not stated"


def _sentence(text: str, end: str = ".") -> str:
    """Trim, then give one terminal mark `end` (none when end=''); keep a final '?' or '!'."""
    text = " ".join(text.split())
    if text.endswith(("?", "!")):
        return text
    return text.rstrip(" .;,:") + end


def _paragraphs(text: str | None) -> list[str]:
    """Blank-line separated paragraphs, each joined to one line (wrapping happens at output)."""
    if not text:
        return []
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


# ---------------------------------------------------------------------------------------------
# Text layout


def _wrap(body: str, width: int) -> list[str]:
    lines: list[str] = []
    for raw in body.splitlines():
        line = raw.rstrip()
        if len(line) <= width:
            lines.append(line)
            continue
        indent = "  " if line.startswith("- ") else ""
        lines.extend(
            textwrap.wrap(
                line,
                width=width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    # collapse runs of blank lines the template's loops leave behind
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def _paginate_text(lines: list[str], det: Determination) -> str:
    """Split into page-equivalents separated by form feeds (as pdftotext does), each opening with
    the running header of the DWC letters; every page of a draft also opens with a DRAFT line."""
    pages = _page_chunks(lines, TEXT_PAGE_LINES)
    draft = is_draft(det)
    out: list[str] = []
    for number, page in enumerate(pages, start=1):
        if draft:
            out.append(DRAFT_PAGE_MARK)
        out.append(
            f"Final Determination Letter for IMR Case Number {det.case_number} "
            f"Page {number} of {len(pages)}"
        )
        out.append("")
        out.extend(page)
        if number < len(pages):
            out.append("\f")
    return "\n".join(out).replace("\n\f\n", "\n\f") + "\n"


def _page_chunks(lines: list[str], size: int) -> list[list[str]]:
    """Fill pages with whole paragraphs (a one-line heading stays with the paragraph after it),
    so a page break never splits an item line; only a paragraph longer than a page is cut."""
    blocks: list[list[str]] = []
    for line in lines:
        if line == "":
            if blocks and blocks[-1]:
                blocks.append([])
            continue
        if not blocks:
            blocks.append([])
        blocks[-1].append(line)
    blocks = [b for b in blocks if b]
    merged: list[list[str]] = []
    carry: list[str] = []
    for block in blocks:
        if carry:
            block = [*carry, "", *block]
            carry = []
        heading = (
            len(block) == 1
            or _ITEM_HEADING.search(block[-1])
            or (len(block) <= 3 and block[0].isupper())  # a section title and its intro
        )
        if heading and block is not blocks[-1]:
            carry = block  # keep it with what follows
            continue
        merged.append(block)
    if carry:
        merged.append(carry)
    pages: list[list[str]] = [[]]
    for block in merged:
        needed = len(block) + (1 if pages[-1] else 0)
        if pages[-1] and len(pages[-1]) + needed > size:
            pages.append([])
        if pages[-1]:
            pages[-1].append("")
        while len(block) > size - len(pages[-1]):  # longer than a page: cut it
            room = size - len(pages[-1])
            pages[-1].extend(block[:room])
            block = block[room:]
            pages.append([])
        pages[-1].extend(block)
    return pages


@cache
def _environment():  # type: ignore[no-untyped-def]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        # escape HTML only; the text template must print "&" and "<" as they are
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _template(name: str):  # type: ignore[no-untyped-def]
    return _environment().get_template(name)
