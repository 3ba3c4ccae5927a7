"""Small pure readers of values next to a finding: dates, counts, durations, scores, effects.

The regular expressions live in data/value_patterns.yaml; this module only interprets matches.
"""

from __future__ import annotations

import datetime as dt
import re

from openimr.evidence.rules import load_rules
from openimr.knowledge.numbers import RECORD_KINDS, number_words

WORD_NUMBERS = number_words(RECORD_KINDS)
MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
MONTHS["sept"] = 9


def pattern(name: str) -> re.Pattern[str]:
    return load_rules().patterns[name]


def to_int(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    return WORD_NUMBERS.get(token.replace("  ", " "))


def _year(raw: str) -> int:
    year = int(raw)
    if year < 100:  # two-digit years in these records are 19xx only for old injuries
        year += 2000 if year <= (dt.date.today().year % 100) + 1 else 1900
    return year


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_from_match(m: re.Match[str]) -> dt.date | None:
    """Interpret one match of the `date` pattern."""
    g = m.groupdict()
    if g.get("m"):
        return _safe_date(_year(g["y"]), int(g["m"]), int(g["d"]))
    if g.get("mon"):
        month = MONTHS.get(
            g["mon"].lower()[:4] if g["mon"].lower().startswith("sept") else g["mon"].lower()[:3]
        )
        if month is None:
            return None
        return _safe_date(int(g["y2"]), month, int(g["d2"] or 1))
    if g.get("m3"):
        return _safe_date(int(g["y3"]), int(g["m3"]), 1)
    return None


def month_only(date_text: str) -> bool:
    """Whether a date as written names a month but no day ("11/2016", "November 2016"); such a
    date is read as the 1st of its month, so callers that measure intervals widen it."""
    m = pattern("date").search(date_text)
    if m is None:
        return False
    g = m.groupdict()
    return bool(g.get("m3") or (g.get("mon") and not g.get("d2")))


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every date in the text with its offsets, in order."""
    found = []
    for m in pattern("date").finditer(text):
        date = date_from_match(m)
        if date is not None and 1950 <= date.year <= 2100:
            found.append((date, m.start(), m.end()))
    return found


def parse_date(text: str) -> dt.date | None:
    dates = find_dates(text)
    if dates:
        return dates[0][0]
    year = re.search(r"\b(19[5-9]\d|20\d\d)\b", text)
    return dt.date(int(year.group(1)), 7, 1) if year else None  # a bare year: mid-year


def months_between(earlier: dt.date, later: dt.date) -> float:
    return round((later - earlier).days / 30.44, 1)


def parse_age(text: str) -> int | None:
    m = re.search(r"\d{1,3}", text)
    return int(m.group()) if m else None


def parse_pain_score(text: str) -> tuple[float, float] | None:
    """(low, high) of a 0-10 pain rating ("6-8 on a 10-point scale" -> (6, 8))."""
    cleaned = re.sub(
        r"/\s*10\b|out\s+of\s+(?:10|ten)|over\s+10|on\s+(?:a|the)\s+.*$",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d)?", cleaned)]
    numbers = [n for n in numbers if 0 <= n <= 10]
    if not numbers:
        return None
    return min(numbers), max(numbers)


def parse_pain_scores_in_order(text: str) -> tuple[float, float]:
    """The first two 0-10 ratings of "8/10 to 5/10", in writing order."""
    cleaned = re.sub(r"/\s*10\b|out\s+of\s+(?:10|ten)|over\s+10", " ", text, flags=re.IGNORECASE)
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d)?", cleaned)][:2]
    return (numbers[0], numbers[-1]) if numbers else (0.0, 0.0)


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def parse_percent(text: str) -> int | None:
    m = pattern("percent").search(text)
    if not m:
        return None
    values = [int(v) for v in (m.group("a"), m.group("b")) if v is not None]
    best = max(values)
    return best if 0 < best <= 100 else None


def parse_sessions(clause: str) -> int | None:
    m = pattern("sessions").search(clause)
    if not m:
        return None
    raw = m.group("n") or m.group("n2")
    return to_int(raw.replace("-", " ") if raw and not raw.isdigit() else raw) if raw else None


def parse_effect(clause: str) -> str | None:
    """'no_improvement', 'improved' or None, from the clause that names a treatment."""
    if pattern("effect_none").search(clause):
        return "no_improvement"
    if pattern("effect_improved").search(clause):
        return "improved"
    return None


def parse_duration_months(after: str, reference: dt.date | None) -> float | None:
    """How long a drug has been taken, from the text after its name ("since 2014", "for 6 months")."""
    m = pattern("since").search(after)
    if m and reference is not None:
        start = parse_date(m.group("when"))
        if start is not None and start <= reference:
            return months_between(start, reference)
    m = pattern("duration").search(after)
    if m:
        n = to_int(m.group("n"))
        if n is None:
            return None
        unit = m.group("unit").lower()
        factor = 12.0 if unit.startswith("year") else 1.0 if unit.startswith("month") else 0.23
        return round(n * factor, 1)
    return None
