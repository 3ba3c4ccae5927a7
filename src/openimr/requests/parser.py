"""Disputed-item text -> TreatmentRequest, following DESIGN.md's field rules.

The parser reads one lower-cased copy of the text with a few passes of compiled regular
expressions: lexicon words (drugs, services, body parts), then the amounts. Each pass marks the
characters it understood; what is left becomes `unparsed_spans` and lowers `confidence`.
Amount passes blank what they consumed, so "2 times a week for 6 weeks" is read once as a
frequency and a duration and never again as a count of sessions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from openimr.domain.request import PartialAuthorization, RequestPortion, TreatmentRequest
from openimr.errors import KnowledgeBaseError
from openimr.knowledge.anatomy import load_anatomy
from openimr.knowledge.drugs import maintained_names
from openimr.knowledge.treatments import counted_in
from openimr.requests.lexicon import DrugEntry, Lexicon, load_lexicon

# Texts longer than this are read up to the limit; the rest is reported as unparsed.
MAX_CHARS = 4000


_PARTIAL_MARK = "original request"
# "X was the original request. <sentence about Y>. <the disputed-portion marker> Z is:".
# The sentence in between and the marker are written in several ordinary ways ("Y was authorized
# by the Claims Administrator", "Y was certified on 5/5/2025", "UR approved Y", "the request was
# modified to Y"; "the remaining IMR eligible portion of the original request", "the remaining
# portion", "the non-certified portion"); the fields describe Z.
_PARTIAL_ORIGINAL = re.compile(
    r"^(?P<x>.+?)\s+(?:was|were)\s+the\s+original\s+requests?\s*[.;]?\s*(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_DISPUTED_MARKER = re.compile(
    r"(?<![a-z])(?:the\s+)?(?:remaining|non-?\s?certified|uncertified|non-?\s?authorized|"
    r"unauthorized|denied|disputed)\s+(?:imr[\s-]+eligible\s+|disputed\s+)?portions?"
    r"(?:\s+of\s+the\s+(?:original\s+)?requests?)?(?:\s+(?:that\s+is|which\s+is)\s+imr[\s-]+eligible)?"
    r"(?:\s*[,:]\s*|\s+(?:is|are)\s*:?\s*|\s+)",
    re.IGNORECASE,
)
# Z's closing words: "... is:", "... is IMR eligible.", "... remains in dispute".
_DISPUTED_TAIL = re.compile(
    r"[\s,]*(?:(?:is|are|remains?)(?:\s+(?:imr[\s-]+eligible|in\s+dispute|disputed|at\s+issue|"
    r"under\s+review|for\s+review))?)?\s*[:.]?\s*$",
    re.IGNORECASE,
)
# Where the authorized portion Y stands in the sentence between X and the marker.
_AUTHORIZED_FORMS = (
    # "The request was modified to Y", "It was certified for Y"
    re.compile(
        r"^(?:the\s+(?:original\s+)?request|this\s+request|it)\s+(?:was|were)\s+(?:partially\s+)?"
        r"(?:modified|certified|approved|authorized|allowed)\s+(?:to|as|for)\s+(?P<y>.+?)\s*[.;]?\s*$",
        re.IGNORECASE | re.DOTALL,
    ),
    # "The Claims Administrator authorized Y", "UR modified the request to Y"
    re.compile(
        r"^(?:the\s+)?(?:claims\s+administrator|utilization\s+review|ur|carrier|insurer|reviewer)"
        r"(?:\s+\S+){0,3}?\s+(?:partially\s+)?(?:authorized|certified|approved|allowed|"
        r"modified\s+(?:the\s+request|it)\s+to)\s+(?P<y>.+?)\s*[.;]?\s*$",
        re.IGNORECASE | re.DOTALL,
    ),
    # "Y was authorized by the Claims Administrator on 06/12/2025 for weaning purposes"
    re.compile(
        r"^(?P<y>.+?)\s+(?:was|were)\s+(?:partially\s+)?(?:authorized|certified|approved|allowed|"
        r"modified)\b",
        re.IGNORECASE | re.DOTALL,
    ),
)
# "X was the original request. The Claims Administrator authorized Y, leaving the original
# request IMR eligible. The original request, X is": the disputed portion is X itself.
_PARTIAL_WHOLE = re.compile(
    r"^(?P<x>.+?)\s+(?:was|were)\s+the\s+original\s+requests?\s*\.?\s*"
    r"the\s+claims\s+administrator\s+authorized\s+(?P<y>.+?)\s*,?\s+leaving\s+the\s+original\s+"
    r"requests?\s+imr\s+eligible\s*\.?\s*the\s+original\s+requests?\s*,?\s*"
    r"(?P<z>.+?)(?:\s+(?:is|are))?\s*:?\s*$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class _Split:
    """The three portions of a partial authorization; `whole` = the original stays disputed."""

    x: str
    y: str
    z: str
    whole: bool = False


def _split_partial(text: str) -> _Split | None:
    whole = _PARTIAL_WHOLE.match(text)
    if whole:
        return _Split(whole.group("x"), whole.group("y"), whole.group("z"), whole=True)
    first = _PARTIAL_ORIGINAL.match(text)
    if first is None:
        return None
    rest = first.group("rest")
    # the last marker: the authorized sentence may itself say "portion"
    markers = list(_DISPUTED_MARKER.finditer(rest))
    if not markers:
        return None
    marker = markers[-1]
    z = _DISPUTED_TAIL.sub("", rest[marker.end() :]).strip(" ,")
    middle = rest[: marker.start()].strip()
    y = middle
    for form in _AUTHORIZED_FORMS:
        found = form.match(middle)
        if found:
            y = found.group("y")
            break
    if not z:
        return None
    return _Split(first.group("x"), y.strip(" ,."), z)


_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_DASHES = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)


@dataclass
class _Read:
    """What one text (or one portion of a partial authorization) says."""

    text: str
    category: str = "other"
    service: str | None = None
    drug: str | None = None
    drug_class: str | None = None
    strength: str | None = None
    quantity: int | None = None
    frequency_per_week: float | None = None
    duration_weeks: float | None = None
    sessions: int | None = None
    body_parts: list[str] = field(default_factory=list)
    laterality: str | None = None
    levels: list[str] = field(default_factory=list)
    dose_form: str | None = None
    route: str | None = None
    refills: int | None = None
    contrast: str | None = None
    confidence: float = 0.0
    unparsed_spans: list[str] = field(default_factory=list)
    fuzzy: bool = False  # a drug was recognised only by approximate spelling
    warnings: list[str] = field(default_factory=list)  # what was not understood (unknown drug)


@dataclass
class _Patterns:
    """Amount patterns; built from the number words, compiled once."""

    number: re.Pattern[str]
    freq_week: re.Pattern[str]
    freq_daily: re.Pattern[str]
    duration: re.Pattern[str]
    day_supply: re.Pattern[str]
    times_pair: re.Pattern[str]
    times_count: re.Pattern[str]
    sessions_paren: re.Pattern[str]
    sessions_count: re.Pattern[str]
    hash_count: re.Pattern[str]
    bare_combination: re.Pattern[str]
    count_unit: re.Pattern[str]
    dosing: re.Pattern[str]
    qty_label: re.Pattern[str]
    container: re.Pattern[str]
    leading_count: re.Pattern[str]
    refills: re.Pattern[str]
    strength: re.Pattern[str]
    amount: re.Pattern[str]
    word_then_digit: re.Pattern[str]
    noise: re.Pattern[str]
    level_range: re.Pattern[str]
    level_single: re.Pattern[str]
    contrast: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    lex = load_lexicon()
    num = lex.number_pattern
    rng = rf"{num}(?:\s*(?:-|to|or)\s*{num})?"
    left, right = r"(?<![a-z0-9])", r"(?![a-z0-9])"
    return _Patterns(
        number=re.compile(num),
        freq_week=re.compile(
            rf"{left}(?P<n>{rng})\s*(?:(?:times?|x|visits?|sessions?|treatments?|days?)\s*)?"
            rf"(?:(?:a|per|/|each|every)\s*(?:week|wk)s?|weekly){right}"
            # "2 x week", and "1 x 6 weeks" (the duration is read next)
            rf"|{left}(?P<m>{rng})\s*(?:times?|x)\s*(?:(?:week|wk)s?{right}|"
            rf"(?=(?:for\s+)?{num}\s*(?:weeks?|wks?){right}))"
        ),
        freq_daily=re.compile(rf"{left}(?:daily|every\s+day|once\s+a\s+day){right}"),
        duration=re.compile(
            rf"{left}(?:(?P<n>{rng})|(?<=for )an?|(?<=over )an?)\s*-?\s*"
            rf"(?P<u>weeks?|wks?|months?|mos?|days?){right}"
        ),
        day_supply=re.compile(rf"{left}days?'?\s*supply\s*:?\s*(?P<n>\d+){right}"),
        times_pair=re.compile(
            rf"{left}(?P<f>{rng})\s*(?:times|x)\s*(?P<d>{num}){right}"
            r"(?!\s*(?:%|mg|weeks?|wks?|months?|days?|a\b|per\b))"
        ),
        times_count=re.compile(
            rf"{left}(?:times|x)\s*(?P<n>{num}){right}"
            r"(?!\s*(?:weeks?|wks?|months?|days?|hours?|hrs?|minutes?|mins?)\b)"
        ),
        sessions_paren=re.compile(rf"\(\s*(?P<n>{rng})\s*(?:sessions?|visits?|treatments?)?\s*\)"),
        sessions_count=re.compile(
            rf"{left}(?P<n>{rng})\s+(?:[a-z/\-.]+\s+){{0,3}}?(?:sessions?|visits?|treatments?){right}"
        ),
        hash_count=re.compile(r"#\s*(?P<n>\d+)(?![\d.])(?!\s*(?:g|gm|gms|grams?|ml|oz|mg|kg)\b)"),
        qty_label=re.compile(rf"{left}(?:qty|quantity)\s*[:#]?\s*(?P<n>\d+){right}"),
        container=re.compile(
            rf"{left}(?P<n>{num})\s+(?:containers?|tubes?|bottles?|box(?:es)?|jars?|packs?|"
            rf"packages?|kits?){right}"
        ),
        # "1 knee scooter": the device name itself is blanked by then, so the count may end the text
        leading_count=re.compile(rf"^\s*(?P<n>{num})(?=\s+(?:[a-z]|$))"),
        refills=re.compile(rf"{left}(?:(?P<n>{num})\s+refills?|refills?\s*:?\s*(?P<m>\d+)){right}"),
        strength=re.compile(
            # numbers written unambiguously ("12.5", ".5"), so a long digit run cannot backtrack
            r"(?<![\d.])(?P<v>(?:\d+(?:\.\d+)?|\.\d+)(?:\s*[/-]\s*(?:\d+(?:\.\d+)?|\.\d+))*)"
            r"\s*(?P<u>mg|mcg|%|percent)"
            r"(?![a-z])(?:\s*/\s*(?:1\s*)?(?P<per>ml|gm|g|hr|h)(?![a-z]))?"
        ),
        bare_combination=re.compile(
            r"(?<![\d.#/])(?P<v>\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)+)(?![\d./%])"
        ),
        count_unit=re.compile(
            rf"(?<!take ){left}(?P<n>{num})\s*(?:tablets?|tabs?|capsules?|caps?|patch(?:es)?|pills?)"
            rf"{right}(?!\s*(?:by\s+mouth|orally|po|daily|bid|tid|qid|q\d|every|twice|once|"
            rf"at\s+bedtime|as\s+needed|prn|a\s+day|per\s+day)\b)"
        ),
        dosing=re.compile(
            # "every 3 days", "every other day": a dosing interval, not how long the supply lasts
            rf"{left}(?:every\s+{rng}\s*(?:hours?|hrs?|h)|every\s+(?:other\s+)?(?:{rng}\s*)?"
            rf"(?:days?|weeks?|wks?)|{rng}\s*(?:times?\s*)?(?:a|per)\s+day|"
            rf"{rng}\s*(?:tablets?|tabs?|capsules?|caps?)|{rng}\s+hours?|bid|tid|qid|qhs|prn|"
            rf"q\s*\d+\s*h|(?:twice|once|three\s+times)\s+(?:daily|a\s+day)|"
            rf"{rng}\s+by\s+mouth){right}"
        ),
        amount=re.compile(
            r"(?<![a-z0-9.])(?:\d+(?:\.\d+)?|\.\d+)\s*(?:g|gm|gms|grams?|ml|cc|oz)(?![a-z])"
        ),
        word_then_digit=re.compile(rf"{left}(?P<w>{num})\s*\(\s*(?P<d>\d+)\s*\)"),
        noise=re.compile(
            r"(?<![a-z0-9])(?:associated\s+surgical\s+services?\s*:?|retrospective(?:\s+request)?"
            r"\s*:?|(?:pre|post)[- ]?op(?:erative(?:ly)?)?|\(?\s*dos\s*:?\s*[\d/]+\s*\)?|"
            r"per\s+\d{1,2}/\d{1,2}/\d{2,4}\s+order|\d{1,2}/\d{1,2}/\d{2,4})(?![a-z0-9])"
            # a CPT code (five digits) or HCPCS code ("G0283", "J3301") names a service; it is
            # never a count or a level
            r"|(?<![a-z0-9.#/$,])(?:(?:cpt|hcpcs)(?:\s+codes?)?\s*[:#]?\s*)?\(?\s*(?:\d{5}|[a-v]\d{4})"
            r"(?:\s*[-x]\s*\d{2})?\s*\)?(?![a-z0-9.,])(?!\s*(?:mg|mcg|iu|units?|%|ml))"
        ),
        level_range=re.compile(
            r"(?<![a-z0-9])(?P<a>[ctls])\s?-?(?P<i>\d{1,2})\s*(?:-|/|to)\s*(?P<b>[ctls])?\s?-?"
            r"(?P<j>\d{1,2})(?![a-z0-9.])"
        ),
        level_single=re.compile(r"(?<![a-z0-9])(?P<a>[ctl])(?P<i>\d{1,2})(?![a-z0-9.%])"),
        contrast=re.compile(
            r"(?<![a-z])(?:(?P<both>with\s+and\s+without|w\s*/\s*and\s*w\s*/\s*o|w/wo)|"
            r"(?P<without>without|w\s*/\s*o|non-?)|(?P<with>with|w\s*/))\s*"
            r"(?:iv\s+)?(?:contrast|dye|gadolinium)(?![a-z])"
        ),
    )


# ------------------------------------------------------------------ small helpers


def _number(text: str, lex: Lexicon) -> float | None:
    """A number or a range ("2-3", "two to three"): the upper bound."""
    parts = re.split(r"\s*(?:-|to|or)\s*", text.strip())
    for part in reversed(parts):
        part = re.sub(r"\s+", " ", part)
        if part in lex.numbers:
            return float(lex.numbers[part])
        if len(part) > 9:  # no real count or dose has ten digits; keeps int() and float() sane
            continue
        try:
            return float(part)
        except ValueError:
            continue
    return None


def _as_int(value: float | None) -> int | None:
    if value is None:
        return None
    return int(round(value))


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    # lower() may change the length of rare characters; keep offsets simple by mapping each.
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower()[:1] or " " for ch in text)
    return lowered


class _Marks:
    """Characters understood so far (for confidence) and a working copy with amounts blanked."""

    def __init__(self, text: str) -> None:
        self.covered = bytearray(len(text))
        self.work = list(text)

    def cover(self, start: int, end: int) -> None:
        self.covered[start:end] = b"\x01" * (end - start)

    def blank(self, start: int, end: int) -> None:
        self.cover(start, end)
        self.work[start:end] = " " * (end - start)

    def text(self) -> str:
        return "".join(self.work)


# ------------------------------------------------------------------ one portion


def _read(raw: str) -> _Read:
    lex = load_lexicon()
    pat = _patterns()
    result = _Read(text=raw)
    s = _normalize(raw[:MAX_CHARS])
    # "One (1) x-ray" says the number twice; read it once (same length, offsets stay put).
    repeated = [(m.start(), m.end()) for m in pat.word_then_digit.finditer(s)]
    s = pat.word_then_digit.sub(lambda m: m.group("d").rjust(len(m.group(0))), s)
    marks = _Marks(s)
    for start, end in repeated:
        marks.cover(start, end)
    for m in pat.noise.finditer(s):
        marks.blank(m.start(), m.end())
    s_clean = marks.text()

    _read_services_and_drugs(s_clean, marks, lex, result)
    _read_anatomy(s_clean, marks, lex, pat, result)
    contrast = pat.contrast.search(s_clean)
    if contrast:
        result.contrast = next(k for k in ("both", "without", "with") if contrast.group(k))
        result.contrast = "with and without" if result.contrast == "both" else result.contrast
        marks.cover(contrast.start(), contrast.end())
    if result.category == "medication":
        _read_medication_amounts(marks, lex, pat, result)
    else:
        _read_course_amounts(marks, lex, pat, result)
    _score(s, marks, lex, result, truncated=len(raw) > MAX_CHARS)
    return result


def _read_services_and_drugs(s: str, marks: _Marks, lex: Lexicon, result: _Read) -> None:
    # Leftmost-longest, no overlaps: "pt/ptt" is a lab, not physical therapy. One combined scan
    # finds the next position where any service starts; every pattern is then tried there.
    accepted: list[tuple[int, int, int, int]] = []  # start, end, weight, service index
    position = 0
    while True:
        hit = lex.service_any_re.search(s, position)
        if hit is None:
            break
        start = hit.start()
        best: tuple[int, int, int, int] | None = None
        for index in lex.services_by_first_char.get(s[start], lex.services_any_first_char):
            m = lex.service_res[index].match(s, start)
            if m is None or m.end() == start:
                continue
            weight = lex.services[index].weight
            if best is None or (m.end(), weight) > (best[1], best[2]):
                best = (start, m.end(), weight, index)
        if best is None:  # the combined match was empty; step over it
            position = start + 1
            continue
        accepted.append(best)
        position = best[1]
    drugs: list[tuple[int, int, DrugEntry]] = []
    for m in lex.drug_re.finditer(s):
        drugs.append((m.start(), m.end(), lex.drug_words[re.sub(r"\s+", " ", m.group(0))]))
    # A number inside a service, device or drug name ("single point cane", "Tylenol #3") is part
    # of the name, never an amount: the amount passes do not see these spans.
    for start, end, *_ in accepted:
        marks.blank(start, end)
    for start, end, _ in drugs:
        marks.blank(start, end)

    class_hits = list(lex.class_word_re.finditer(s))
    if not accepted and not drugs and not class_hits:
        drugs = _dictionary_drugs(s, lex, result)
        if not drugs:
            drugs = _fuzzy_drugs(s, lex)
            result.fuzzy = bool(drugs)
        for start, end, _ in drugs:
            marks.cover(start, end)
        if not drugs and _looks_like_medication(s, lex):
            _unknown_drug(s, lex, result)
            return
    candidates = [(weight, -start, index) for start, _, weight, index in accepted]
    candidates += [(2, -start, -1) for start, _, _ in drugs]
    # A drug class named without a drug ("Muscle relaxants") is a medication of that class.
    for m in class_hits:
        marks.cover(m.start(), m.end())
        candidates.append((1, -m.start(), -2))
    if not candidates:
        return
    _, _, best = max(candidates)
    best = _consult_as_head(s, accepted, best, lex)
    if best == -2:
        result.category = "medication"
        named = [lex.class_words[re.sub(r"\s+", " ", m.group(0))] for m in class_hits]
        result.drug_class = next((c for c in named if c != "other"), "other")
        result.service = "medication"
        return
    if best == -1:
        result.category = "medication"
        _set_drug(s, drugs, lex, marks, result)
        result.service = result.drug
    else:
        result.category = lex.services[best].category
        result.service = lex.services[best].service


# "Arthroscopy consult": in an English noun compound the last noun is the head, so a consult
# word right after a procedure makes the item a consultation ("... with pain consult" does not).
_PROCEDURE_CATEGORIES = frozenset({"surgery", "injection"})
_COMPOUND_GAP = re.compile(r"^[\s\-]*(?:[a-z]+[\s\-]+){0,2}?$")
_NOT_COMPOUND = frozenset({"with", "and", "or", "plus", "after", "before", "for", "to", "then"})


def _consult_as_head(
    s: str, accepted: list[tuple[int, int, int, int]], best: int, lex: Lexicon
) -> int:
    if best == -1 or lex.services[best].category not in _PROCEDURE_CATEGORIES:
        return best
    ends = [end for _, end, _, index in accepted if index == best]
    for start, _, _, index in accepted:
        if lex.services[index].category != "consultation":
            continue
        for end in ends:
            gap = s[end:start]
            if start >= end and _COMPOUND_GAP.match(gap) and not (set(gap.split()) & _NOT_COMPOUND):
                return index
    return best


_WORD = re.compile(r"[a-z][a-z-]{5,}")
FUZZY_CUTOFF = 85  # rapidfuzz ratio; "tramdol" -> tramadol scores 93


def _fuzzy_drugs(s: str, lex: Lexicon) -> list[tuple[int, int, DrugEntry]]:
    """Misspelled drug names ("Tramdol"), tried only when nothing else was recognised."""
    from rapidfuzz import fuzz, process  # only for a misspelling: `openimr request` stays light

    found = []
    for m in _WORD.finditer(s[:500]):
        if m.group(0) in lex.filler_words:
            continue
        hit = process.extractOne(
            m.group(0), lex.drug_words.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if hit:
            found.append((m.start(), m.end(), lex.drug_words[hit[0]]))
    return found


# What makes a text a medication request even when its drug is unknown: a strength in drug units,
# a "#" count, or dosing words. Dose forms and routes count too (read from the lexicon).
_MEDICATION_CONTEXT = re.compile(
    r"\d\s*(?:mg|mcg|%|percent|ml|units?)(?![a-z])|#\s*\d|(?<![a-z])(?:bid|tid|qid|qhs|qd|prn|"
    r"q\d+h|q\s?\d+\s?hours?|refills?|by mouth|at bedtime|nasal|sublingual)(?![a-z])"
)
_NAME = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]|[a-z]")
MAX_NAME_WORDS = 3  # the dictionary's multi-word names tried ("ms contin", "insulin glargine")


def _looks_like_medication(s: str, lex: Lexicon) -> bool:
    return bool(
        _MEDICATION_CONTEXT.search(s) or lex.dose_form_re.search(s) or lex.route_re.search(s)
    )


def _vocabulary_word(word: str, lex: Lexicon) -> bool:
    """A word the parser already reads as something other than a drug name."""
    return (
        word in lex.filler_words
        or word in lex.numbers
        or word in lex.dose_form_words
        or word in lex.route_words
        or word in lex.body_words
        or word in lex.side_words
    )


def _original(s: str, result: _Read, start: int, end: int) -> str:
    """The words as the text wrote them (case kept) when offsets line up, else as read."""
    raw = result.text[:MAX_CHARS]
    return raw[start:end] if len(raw) == len(s) else s[start:end]


def _dictionary_drugs(s: str, lex: Lexicon, result: _Read) -> list[tuple[int, int, DrugEntry]]:
    """Drug names our table lacks, from the maintained dictionary (Narcan -> naloxone). A name
    counts only where the text reads as a medication (a strength, a dose form, dosing) or is the
    name alone, so English words that happen to be brand names ("ice pack") stay services."""
    words = [m for m in _NAME.finditer(s[:500]) if not _vocabulary_word(m.group(0), lex)]
    if not words:
        return []
    alone = not any(ch.isdigit() for ch in s) and len(words) <= MAX_NAME_WORDS
    if not (alone or _looks_like_medication(s, lex)):
        return []
    names = maintained_names()
    found: list[tuple[int, int, DrugEntry]] = []
    index = 0
    while index < len(words):
        for size in range(min(MAX_NAME_WORDS, len(words) - index), 0, -1):
            start, end = words[index].start(), words[index + size - 1].end()
            generic = names.get(re.sub(r"\s+", " ", s[start:end]))
            if generic is not None:
                break
        else:
            index += 1
            continue
        entry = lex.drug_words.get(generic) or DrugEntry(drug=generic, drug_class=None)
        known = all(part in lex.ingredients for part in entry.drug.split("/"))
        note = "" if known else "; not in the drug table, so its class is unknown"
        result.warnings.append(
            f"drug {_original(s, result, start, end)!r} resolved to {entry.drug} from the "
            f"drug-name dictionary{note}"
        )
        found.append((start, end, entry))
        index += size
    return found


def _unknown_drug(s: str, lex: Lexicon, result: _Read) -> None:
    """A medication request whose drug resolves nowhere: a medication without a drug, said."""
    result.category = "medication"
    result.service = "medication"
    name = next(
        (
            m
            for m in _NAME.finditer(s[:500])
            if len(m.group(0)) > 2 and not _vocabulary_word(m.group(0), lex)
        ),
        None,
    )
    label = _original(s, result, name.start(), name.end()) if name else s.strip()[:40]
    result.warnings.append(
        f"unknown drug {label!r}: not in the drug table or the drug-name dictionary"
    )


def _set_drug(
    s: str, drugs: list[tuple[int, int, DrugEntry]], lex: Lexicon, marks: _Marks, result: _Read
) -> None:
    names: list[str] = []
    brand_class = None
    brand_form = None
    for _, _, entry in drugs:
        for name in entry.drug.split("/"):
            if name not in names:
                names.append(name)
        brand_class = brand_class or entry.drug_class
        brand_form = brand_form or entry.dose_form
    result.drug = "/".join(names)
    form_match = lex.dose_form_re.search(s)
    for m in lex.dose_form_re.finditer(s):
        marks.cover(m.start(), m.end())
    for m in lex.route_re.finditer(s):
        marks.cover(m.start(), m.end())
    form = lex.dose_form_words[re.sub(r"\s+", " ", form_match.group(0))] if form_match else None
    result.dose_form = form.form if form else brand_form
    route_match = lex.route_re.search(s)
    if route_match:
        result.route = lex.route_words[re.sub(r"\s+", " ", route_match.group(0))]
    elif form:
        result.route = form.route
    elif result.dose_form:
        result.route = next(
            (f.route for f in lex.dose_form_words.values() if f.form == result.dose_form), None
        )
    percents = len(re.findall(r"\d\s*(?:%|percent)", s))
    # a drug from the dictionary alone has no class of ours: unknown unless its form gives one
    classes = [lex.ingredients[name].drug_class for name in names if name in lex.ingredients]
    if lex.compound_re.search(s) or (len(names) > 1 and percents > 1):
        result.drug_class = "compound"
    elif "opioid" in classes and not percents:
        # a buprenorphine or fentanyl patch is an opioid however it is applied
        result.drug_class = "opioid"
    elif brand_class:
        result.drug_class = brand_class
    elif result.route in ("topical", "transdermal") or percents:
        result.drug_class = "topical"
    elif classes:
        result.drug_class = next((c for c in classes if c != "other"), "other")
    else:
        result.drug_class = None


_NO_LEVEL_CATEGORIES = frozenset({"laboratory", "medication"})


def _read_anatomy(s: str, marks: _Marks, lex: Lexicon, pat: _Patterns, result: _Read) -> None:
    masked = s
    for m in lex.not_body_re.finditer(s):
        masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end() :]
    parts: list[str] = []
    sides: set[str] = set()

    def add(part: str) -> None:
        if part not in parts:
            parts.append(part)

    # "T3, T4" on a lab order are thyroid tests, not vertebrae
    level_ranges = (
        () if result.category in _NO_LEVEL_CATEGORIES else pat.level_range.finditer(masked)
    )
    for m in level_ranges:
        levels = _levels(m.group("a"), m.group("i"), m.group("b"), m.group("j"))
        for level in levels:
            if level not in result.levels:
                result.levels.append(level)
            add(_level_region(level))
        if levels:
            marks.blank(m.start(), m.end())
            masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end() :]
    level_singles = (
        () if result.category in _NO_LEVEL_CATEGORIES else pat.level_single.finditer(masked)
    )
    for m in level_singles:
        for level in _levels(m.group("a"), m.group("i"), None, None):
            if level not in result.levels:
                result.levels.append(level)
            add(_level_region(level))
            marks.blank(m.start(), m.end())
    for m in lex.combined_parts_re.finditer(masked):
        for part in lex.combined_parts[re.sub(r"\s+", " ", m.group(0))]:
            add(part)
        marks.cover(m.start(), m.end())
        masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end() :]
    specialty: list[str] = []
    for m in lex.specialty_parts_re.finditer(masked):
        specialty += lex.specialty_parts[re.sub(r"\s+", " ", m.group(0))]
        marks.cover(m.start(), m.end())
        masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end() :]
    for m in lex.body_re.finditer(masked):
        add(lex.body_words[re.sub(r"\s+", " ", m.group(0))])
        marks.cover(m.start(), m.end())
    for m in lex.side_abbrev_re.finditer(masked):
        row = lex.side_abbreviations[m.group(0)]
        add(row.part)
        sides.add(row.side)
        marks.cover(m.start(), m.end())
    for m in lex.side_re.finditer(masked):
        sides.add(lex.side_words[m.group(0)])
        marks.cover(m.start(), m.end())
    for m in lex.side_letter_re.finditer(masked):
        sides.add(lex.side_letters[m.group("side")])
        marks.cover(m.start(), m.end())
    if not parts:
        for part in specialty:
            add(part)
    result.body_parts = parts
    if "bilateral" in sides or {"left", "right"} <= sides:
        result.laterality = "bilateral"
    elif sides:
        result.laterality = sides.pop()


# Vertebrae top to bottom; a level is a pair of neighbours ("L4-L5", "L5-S1").
_VERTEBRAE = tuple(
    [f"C{n}" for n in range(1, 8)]
    + [f"T{n}" for n in range(1, 13)]
    + [f"L{n}" for n in range(1, 6)]
    + ["S1"]
)


def _levels(a: str, i: str, b: str | None, j: str | None) -> list[str]:
    """'l','4',None,'5' -> ['L4-L5']; 'l','3',None,'5' -> ['L3-L4','L4-L5']; 'l','4' -> ['L4'].

    Impossible levels give [] (so "T3 scan" or "L9" stays text).
    """
    first = f"{a.upper()}{int(i)}"
    if first not in _VERTEBRAE:
        return []
    if j is None:
        return [first]
    last = f"{(b or a).upper()}{int(j)}"
    if last not in _VERTEBRAE:
        return []
    top, bottom = _VERTEBRAE.index(first), _VERTEBRAE.index(last)
    if bottom <= top:
        return []
    # a span of several segments names each level in it ("L3-L5" is two levels)
    return [f"{_VERTEBRAE[k]}-{_VERTEBRAE[k + 1]}" for k in range(top, bottom)]


def _level_region(level: str) -> str:
    return load_anatomy().level_part(level) or "lumbar spine"


def _duration_weeks(value: float, unit: str) -> float:
    if unit.startswith("mo"):
        return value * 4
    if unit.startswith("d"):
        return round(value / 7, 2)
    return value


def _read_duration(marks: _Marks, lex: Lexicon, pat: _Patterns, result: _Read) -> None:
    work = marks.text()
    supply = pat.day_supply.search(work)
    if supply:
        result.duration_weeks = round(float(supply.group("n")) / 7, 2)
        marks.blank(supply.start(), supply.end())
        return
    for m in pat.duration.finditer(work):
        value = _number(m.group("n"), lex) if m.group("n") else 1.0  # "for a month"
        if value is not None and value > 0:
            if result.duration_weeks is None:
                result.duration_weeks = _duration_weeks(value, m.group("u"))
            marks.blank(m.start(), m.end())


def _read_medication_amounts(marks: _Marks, lex: Lexicon, pat: _Patterns, result: _Read) -> None:
    work = marks.text()
    strengths = list(pat.strength.finditer(work))
    if strengths:
        values = [_format_strength(m) for m in strengths]
        n_ingredients = len(result.drug.split("/")) if result.drug else 1
        if n_ingredients > 1 and len(values) > 1 and all(v.endswith("%") for v in values):
            result.strength = "/".join(values)
        else:
            result.strength = values[0]
        for m in strengths:
            marks.blank(m.start(), m.end())
    else:
        # "Norco 10/325 #90": a combination product's strengths without a unit are mg
        bare = pat.bare_combination.search(work)
        if bare:
            result.strength = f"{bare.group('v')} mg"
            marks.blank(bare.start(), bare.end())
    work = marks.text()
    result.refills = _first_count(pat.refills, work, marks, lex, groups=("n", "m"))
    work = marks.text()
    for regex in (pat.hash_count, pat.qty_label, pat.container, pat.count_unit):
        count = _first_count(regex, marks.text(), marks, lex)
        if count is not None:
            result.quantity = count
            break
    for m in pat.dosing.finditer(marks.text()):
        marks.blank(m.start(), m.end())
    _read_duration(marks, lex, pat, result)
    for m in pat.amount.finditer(marks.text()):
        marks.cover(m.start(), m.end())


def _format_strength(m: re.Match[str]) -> str:
    value = re.sub(r"\s*[/-]\s*", "/", m.group("v"))
    unit = "%" if m.group("u") in ("%", "percent") else m.group("u")
    if unit == "%":
        return f"{value}%"
    per = m.group("per")
    if per:
        per = {"gm": "g", "hr": "h"}.get(per, per)
        return f"{value} {unit}/{per}"
    return f"{value} {unit}"


def _first_count(
    regex: re.Pattern[str], work: str, marks: _Marks, lex: Lexicon, groups: tuple[str, ...] = ("n",)
) -> int | None:
    for m in regex.finditer(work):
        text = next((m.group(g) for g in groups if m.group(g)), None)
        value = _number(text, lex) if text else None
        if value is not None:
            marks.blank(m.start(), m.end())
            return _as_int(value)
    return None


def _read_course_amounts(marks: _Marks, lex: Lexicon, pat: _Patterns, result: _Read) -> None:
    work = marks.text()
    for m in pat.freq_week.finditer(work):
        value = _number(m.group("n") or m.group("m"), lex)
        if value is not None and result.frequency_per_week is None:
            result.frequency_per_week = value
        marks.blank(m.start(), m.end())
    daily = pat.freq_daily.search(marks.text())
    if daily:
        if result.frequency_per_week is None:
            result.frequency_per_week = 7.0
        marks.blank(daily.start(), daily.end())
    _read_duration(marks, lex, pat, result)
    if result.frequency_per_week is None:
        pair = pat.times_pair.search(marks.text())
        if pair:
            result.frequency_per_week = _number(pair.group("f"), lex)
            if result.duration_weeks is None:
                result.duration_weeks = _number(pair.group("d"), lex)
            marks.blank(pair.start(), pair.end())

    # what a bare count counts is the treatment's (categories.yaml, treatments.yaml)
    unit = counted_in(result.category, result.service)
    course = unit == "visits"
    explicit = _first_count(pat.sessions_paren, marks.text(), marks, lex)
    counted = []
    for m in pat.sessions_count.finditer(marks.text()):
        value = _number(m.group("n"), lex)
        if value is not None:
            counted.append(value)
            marks.blank(m.start(), m.end())
    if explicit is None and counted:
        # "two sessions for the lumbar spine and eight sessions for the left wrist" -> 10
        explicit = _as_int(sum(counted))
    for regex in (pat.times_count, pat.hash_count, pat.qty_label):
        count = _first_count(regex, marks.text(), marks, lex)
        if count is None:
            continue
        if unit == "units":
            result.quantity = result.quantity if result.quantity is not None else count
        elif explicit is None:
            explicit = count
    if result.category == "dme" and result.quantity is None:
        result.quantity = _first_count(pat.leading_count, marks.text(), marks, lex)
    if not course:
        return
    if explicit is not None:
        result.sessions = explicit
    elif result.frequency_per_week is not None and result.duration_weeks is not None:
        result.sessions = _as_int(result.frequency_per_week * result.duration_weeks)


def _score(s: str, marks: _Marks, lex: Lexicon, result: _Read, truncated: bool) -> None:
    """Confidence from how much of the text was understood; list the runs that were not."""
    tokens = list(_TOKEN.finditer(s))
    if not tokens:
        result.confidence = 0.0
        return
    understood = 0
    runs: list[tuple[int, int]] = []
    previous_unknown = False
    for m in tokens:
        if marks.covered[m.start()] or m.group(0) in lex.filler_words:
            understood += 1
            previous_unknown = False
            continue
        if previous_unknown:
            runs[-1] = (runs[-1][0], m.end())
        else:
            runs.append((m.start(), m.end()))
        previous_unknown = True
    coverage = understood / len(tokens)
    anchored = result.category != "other" or result.service is not None
    result.confidence = round(0.5 + 0.5 * coverage if anchored else 0.25 * coverage, 2)
    if result.fuzzy:
        result.confidence = round(result.confidence * 0.8, 2)
    result.unparsed_spans = [s[a:b] for a, b in runs[:20]]
    if truncated:
        result.unparsed_spans.append(f"<text beyond {MAX_CHARS} characters not read>")
        result.confidence = round(result.confidence * 0.5, 2)


# ------------------------------------------------------------------ public API


def _inherit(disputed: _Read, original: _Read) -> None:
    """What the disputed portion leaves out is taken from the original request.

    Only descriptive fields are inherited (what and where); amounts never are, because the
    authorized part changed them.
    """
    if disputed.category == "other" and disputed.service is None:
        disputed.category, disputed.service = original.category, original.service
    if disputed.category == "medication" and disputed.drug is None and original.drug:
        for name in ("drug", "drug_class", "strength", "dose_form", "route"):
            setattr(disputed, name, getattr(original, name))
        disputed.warnings = list(original.warnings)  # the drug, and what was said of it, is X's
    elif disputed.category == "medication" and disputed.drug == original.drug:
        # "Gabapentin #30" after "Gabapentin 600 mg #90": the strength names the same product
        for name in ("strength", "dose_form", "route"):
            if getattr(disputed, name) is None:
                setattr(disputed, name, getattr(original, name))
    if not disputed.body_parts:
        disputed.body_parts = list(original.body_parts)
    if disputed.laterality is None:
        disputed.laterality = original.laterality
    if not disputed.levels:
        disputed.levels = list(original.levels)
    if disputed.contrast is None:
        disputed.contrast = original.contrast


def _other_reason(text: str, read: _Read) -> list[str]:
    """`other` is never silent: it says why (nothing known was named) beside its low confidence."""
    if read.category != "other" or read.service is not None:
        return []
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return [f"category other: no known treatment, device, service or drug named in {shown!r}"]


def _to_request(text: str, read: _Read, partial: PartialAuthorization | None) -> TreatmentRequest:
    return TreatmentRequest(
        text=text,
        category=read.category,
        drug=read.drug if read.category == "medication" else None,
        strength=read.strength if read.category == "medication" else None,
        quantity=read.quantity,
        frequency_per_week=read.frequency_per_week,
        duration_weeks=read.duration_weeks,
        sessions=read.sessions,
        body_parts=read.body_parts,
        laterality=read.laterality,
        levels=read.levels,
        service=read.service,
        drug_class=read.drug_class if read.category == "medication" else None,
        dose_form=read.dose_form if read.category == "medication" else None,
        route=read.route if read.category == "medication" else None,
        refills=read.refills,
        contrast=read.contrast,
        partial_authorization=partial,
        confidence=read.confidence,
        unparsed_spans=read.unparsed_spans,
        warnings=[*read.warnings, *_other_reason(text, read)],
    )


def _portion(text: str, read: _Read) -> RequestPortion:
    return RequestPortion(text=text.strip(), quantity=read.quantity, sessions=read.sessions)


def _parse(text: str) -> TreatmentRequest:
    head = text[:MAX_CHARS]
    split = _split_partial(head) if _PARTIAL_MARK in head.lower() else None
    if split is None:
        return _to_request(text, _read(text), None)
    x, y, z = split.x, split.y, split.z
    original, authorized = _read(x), _read(y)
    if split.whole:
        # The disputed portion is the original request; its restatement may carry typos.
        disputed = _read(x)
        disputed.text = z
    else:
        disputed = _read(z)
    _inherit(disputed, original)
    partial = PartialAuthorization(
        original=_portion(x, original),
        authorized=_portion(y, authorized),
        disputed=_portion(z, disputed),
    )
    return _to_request(text, disputed, partial)


def parse_request(text: str) -> TreatmentRequest:
    """Read one disputed-item text into a TreatmentRequest. Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        return _parse(text)
    except KnowledgeBaseError:
        raise  # broken data files are the maintainers' error, not the text's
    except Exception as exc:  # a parser bug must not stop a review; say so in the result
        return TreatmentRequest(
            text=text, confidence=0.0, unparsed_spans=[f"<parser error: {type(exc).__name__}>"]
        )


def parse_requests(texts: Iterable[str]) -> list[TreatmentRequest]:
    """parse_request over many texts, in order."""
    return [parse_request(text) for text in texts]
