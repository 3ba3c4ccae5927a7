"""Hostile inputs for every reader of outside input, and the readers themselves.

Shared by the fuzz tests (tests/fuzz/) and the larger campaign in benchmarks/fuzz_bench.py.
Each `read_*` function feeds one generated input to one reader and returns normally when the
reader accepted it; the documented refusal is an `OpenIMRError` with a one-line message. Any
other exception is a crash.

Mutations of real inputs (the sample panel, the DWC letters, the seed letter, the example case
files) are driven by a `random.Random` that hypothesis supplies, so a failing input shrinks and
replays like any other.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypdf
import yaml
from hypothesis import strategies as st

from openimr.domain.request import BODY_PARTS, CATEGORIES, TreatmentRequest
from openimr.errors import OpenIMRError
from openimr.intake import load_case
from openimr.letters.audit import audit
from openimr.letters.blind import blind_text
from openimr.letters.parse import parse_letter, parse_text
from openimr.letters.to_case import to_case
from openimr.requests import parse_request
from openimr.reviewers.panel import SAMPLE_PANEL, load_panel

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared")).resolve()
LETTERS_DIR = SHARED / "data" / "dwc-imr-letters"
SEED_LETTER = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"
EXAMPLE_CASES = REPO / "examples" / "cases"

IMPOSSIBLE_DATES = ("2018-02-30", "2019-13-01", "0000-01-01", "2015-06-31", "9999-99-99")
WEIRD_SCALARS: tuple[Any, ...] = (
    None,
    True,
    -1,
    0,
    10**400,
    -(10**30),
    1e308,
    float("inf"),
    float("nan"),
    "",
    " ",
    "\x00",
    "é" * 3,
    "R001\nR002",
    [],
    {},
    [None],
    {"": None},
)


# ---------------------------------------------------------------- real inputs to mutate


@lru_cache(maxsize=1)
def letter_texts() -> tuple[str, ...]:
    """A handful of real letters of each era (sorted, so every run draws from the same ones)."""
    paths = sorted((LETTERS_DIR / "txt").glob("*.txt"))[::12]
    texts = [p.read_text("utf-8") for p in paths]
    if SEED_LETTER.is_file():
        texts.append(SEED_LETTER.read_text("utf-8"))
    return tuple(texts)


@lru_cache(maxsize=1)
def letter_pdfs() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in sorted((LETTERS_DIR / "pdf").glob("*.pdf"))[::30])


@lru_cache(maxsize=1)
def sample_panel_text() -> str:
    return SAMPLE_PANEL.read_text("utf-8")


@lru_cache(maxsize=1)
def example_case_texts() -> tuple[str, ...]:
    return tuple(p.read_text("utf-8") for p in sorted(EXAMPLE_CASES.glob("*.yaml")))


@lru_cache(maxsize=1)
def blank_pdf() -> bytes:
    """A valid PDF with one empty page: not a letter."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def password_pdf() -> bytes:
    """A real letter's first page, re-encrypted with a non-empty user password."""
    reader = pypdf.PdfReader(io.BytesIO(letter_pdfs()[0]))
    reader.decrypt("")
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[0])
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------- mutations


def random_unicode(rnd: random.Random, size: int = 8) -> str:
    """Characters from all over the code space (no surrogates: they cannot be in a file)."""
    out = []
    for _ in range(size):
        pick = rnd.random()
        if pick < 0.3:
            out.append(chr(rnd.randrange(0, 0x20)))  # control characters, incl. \f and \r
        elif pick < 0.5:
            out.append(rnd.choice("\u00a0\u2028\u2029\ufeff\u200b\ufffe\u0301\u202e"))
        elif pick < 0.8:
            out.append(chr(rnd.randrange(0x20, 0xD800)))
        else:
            out.append(chr(rnd.randrange(0xE000, 0x110000)))
    return "".join(out)


def mutate_lines(text: str, rnd: random.Random, rounds: int | None = None) -> str:
    """Drop, duplicate, shuffle lines; remove the header; insert unicode; truncate."""
    lines = text.split("\n")
    for _ in range(rounds if rounds is not None else rnd.randint(1, 4)):
        if not lines:
            break
        op = rnd.randrange(8)
        i = rnd.randrange(len(lines))
        j = min(len(lines), i + rnd.randint(1, 12))
        if op == 0:
            del lines[i:j]
        elif op == 1:
            lines[i:i] = lines[i:j] * rnd.randint(1, 3)
        elif op == 2:
            window = lines[i:j]
            rnd.shuffle(window)
            lines[i:j] = window
        elif op == 3:
            del lines[: rnd.randint(1, 40)]  # the header block gone
        elif op == 4:
            line = lines[i]
            at = rnd.randint(0, len(line))
            lines[i] = line[:at] + random_unicode(rnd, rnd.randint(1, 6)) + line[at:]
        elif op == 5:
            joined = "\n".join(lines)
            lines = joined[: rnd.randint(0, len(joined))].split("\n")
        elif op == 6:
            lines[i] = lines[i].upper() if rnd.random() < 0.5 else lines[i].lower()
        else:
            lines[i] = "".join(rnd.choice(string.digits) if c.isdigit() else c for c in lines[i])
    return "\n".join(lines)


def mutate_bytes(data: bytes, rnd: random.Random) -> bytes:
    """Truncate, flip bits, splice garbage in or cut a range out."""
    buf = bytearray(data)
    for _ in range(rnd.randint(1, 3)):
        if not buf:
            break
        op = rnd.randrange(4)
        if op == 0:
            del buf[rnd.randint(8, max(8, len(buf))) :]
        elif op == 1:
            for _ in range(rnd.randint(1, 64)):
                at = rnd.randrange(len(buf))
                buf[at] ^= 1 << rnd.randrange(8)
        elif op == 2:
            at = rnd.randrange(len(buf))
            buf[at:at] = rnd.randbytes(rnd.randint(1, 256))
        else:
            at = rnd.randrange(len(buf))
            del buf[at : at + rnd.randint(1, 4096)]
    return bytes(buf)


def mutate_records(rows: list[Any], rnd: random.Random) -> list[Any]:
    """Structural damage to a list of mappings: missing keys, wrong types, duplicates."""
    rows = [dict(r) if isinstance(r, dict) else r for r in rows]
    for _ in range(rnd.randint(1, 4)):
        if not rows:
            break
        row = rnd.choice(rows)
        op = rnd.randrange(6)
        if op == 5 or not isinstance(row, dict) or not row:
            rows.append(dict(rnd.choice([r for r in rows if isinstance(r, dict)] or [{}])))
            continue  # a duplicate row: same code twice
        key = rnd.choice(sorted(row))
        if op == 0:
            del row[key]
        elif op == 1:
            row[key] = rnd.choice(WEIRD_SCALARS)
        elif op == 2:
            row[key] = [row[key], rnd.choice(WEIRD_SCALARS)]
        elif op == 3:
            row[rnd.choice(["", "unknown_field", "codE", key.upper()])] = row[key]
        else:
            rows[rows.index(row)] = rnd.choice(WEIRD_SCALARS)
    return rows


_YAML_VALUE = re.compile(r"(?m)(\b[a-z_]+: )([^,\[\]{}\n#]+)")
HOSTILE_SCALARS = (
    *IMPOSSIBLE_DATES,
    "2018-02-30T25:00:00",
    "2015-02-28 12:00:00 +99:00",
    "1e999",
    "-.inf",
    ".nan",
    "~",
    "!!binary x",
    "!!python/object:os.system x",
    "&a [*a, *a]",
    "*undefined",
    "'",
    "0x" + "F" * 40,
    "-1",
    "[" * 2000 + "]" * 2000,
)


def inject_scalars(text: str, rnd: random.Random) -> str:
    """Replace some `key: value` values in YAML text (block or flow style) with impossible dates
    and other hostile scalars, unquoted, as a user would type them."""
    for _ in range(rnd.randint(1, 3)):
        spots = list(_YAML_VALUE.finditer(text))
        if not spots:
            break
        spot = rnd.choice(spots)
        text = text[: spot.start(2)] + rnd.choice(HOSTILE_SCALARS) + text[spot.end(2) :]
    return text


# ---------------------------------------------------------------- strategies

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
nasty_text = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=300
)  # any code point a file can hold


def _dump(value: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(value, allow_nan=True, default=str)
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@st.composite
def panel_files(draw: st.DrawFn) -> tuple[str, str]:
    """(suffix, text) of a panel file: arbitrary, a damaged sample panel, or a CSV."""
    rnd = draw(st.randoms(use_true_random=False))
    kind = draw(st.sampled_from(["arbitrary", "text", "records", "scalars", "lines", "csv"]))
    as_json = draw(st.booleans())
    suffix = ".json" if as_json else ".yaml"
    if kind == "arbitrary":
        return suffix, _dump(draw(json_values), as_json)
    if kind == "text":
        return draw(st.sampled_from([".yaml", ".json", ".csv", ""])), draw(nasty_text)
    sample = sample_panel_text()
    if kind == "records":
        rows = yaml.safe_load(sample)["reviewers"]
        damaged = mutate_records(rows, rnd)
        top: Any = {"reviewers": damaged} if rnd.random() < 0.7 else damaged
        return suffix, _dump(top, as_json)
    if kind == "scalars":
        return ".yaml", inject_scalars(sample, rnd)
    if kind == "lines":
        return ".yaml", mutate_lines(sample, rnd)
    header = "code,degree,licenses,specialties,years_in_practice,hours_per_week,affiliations"
    row = "R001,MD,CA(restricted);NY(suspended),Family Practice,10,40,insurer: Acme (consultant)"
    csv_text = "\n".join([header, row, row.replace("R001", "R002")])
    return ".csv", mutate_lines(csv_text, rnd)


@st.composite
def letter_inputs(draw: st.DrawFn) -> str:
    """Letter text: arbitrary, or a real (or the seed) letter mutated."""
    if draw(st.integers(0, 4)) == 0:
        return draw(nasty_text)
    rnd = draw(st.randoms(use_true_random=False))
    text = mutate_lines(draw(st.sampled_from(letter_texts())), rnd)
    if rnd.random() < 0.2:  # two letters spliced: one's header and items, another's tail
        other = draw(st.sampled_from(letter_texts())).split("\n")
        lines = text.split("\n")
        text = "\n".join(lines[: rnd.randint(0, len(lines))] + other[rnd.randint(0, len(other)) :])
    return text


@st.composite
def pdf_inputs(draw: st.DrawFn) -> bytes:
    """PDF bytes: arbitrary, a damaged real letter, a valid non-letter, a password-locked one."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=2048))
    if kind == 1:
        return b"%PDF-1." + draw(st.binary(max_size=2048))
    if kind == 2:
        return draw(st.sampled_from([blank_pdf(), password_pdf()]))
    rnd = draw(st.randoms(use_true_random=False))
    base = draw(st.sampled_from([*letter_pdfs(), blank_pdf(), password_pdf()]))
    return mutate_bytes(base, rnd)


PARTIAL = (
    "{x} was the original request. {y} was authorized by the Claims Administrator. The remaining "
    "IMR eligible portion of the original request, {z} is:"
)
REQUEST_WORDS = [
    "Norco", "10/325mg", "#120", "physical therapy", "2x6", "3 times a week for 4 weeks",
    "MRI", "lumbar", "L4-L5", "L5-S1", "C5-6", "right", "left", "bilateral", "knee", "wrist",
    "acupuncture", "#6", "sessions", "x", "99999999999999999999999999", "-3", "0.0000001",
    "1e308", "refills", "with and without contrast", "EMG/NCV", "upper extremities", "months",
    "weeks", "twice a day", "\x00", "\f", "\u202e", "½", "٣", "𝟠", "visits", "(", ")", "/",
]  # fmt: skip


@st.composite
def request_inputs(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
    words = st.lists(st.sampled_from(REQUEST_WORDS) | st.text(max_size=6), max_size=30)
    text = " ".join(draw(words))
    if kind == 1:
        return text
    if kind == 2:  # 4,000+ characters
        return (text + " ") * (4000 // (len(text) + 1) + 1)
    # nested partial authorizations: Z is itself a partial-authorization sentence
    depth = draw(st.integers(1, 5))
    for _ in range(depth):
        text = PARTIAL.format(x=text, y=" ".join(draw(words)), z=text)
    return text


@st.composite
def case_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes) of a case file: arbitrary, damaged examples, bad encodings."""
    rnd = draw(st.randoms(use_true_random=False))
    kind = draw(st.integers(0, 5))
    base = draw(st.sampled_from(example_case_texts()))
    if kind == 0:
        return draw(st.sampled_from([".yaml", ".json"])), _dump(draw(json_values), False).encode()
    if kind == 1:
        return ".yaml", inject_scalars(base, rnd).encode()
    if kind == 2:
        return ".yaml", mutate_lines(base, rnd).encode()
    if kind == 3:
        data = yaml.safe_load(base)
        for key in rnd.sample(sorted(data), k=min(len(data), rnd.randint(1, 3))):
            value = data[key]
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                data[key] = mutate_records(value, rnd)
            else:
                data[key] = rnd.choice(WEIRD_SCALARS)
        as_json = rnd.random() < 0.5
        return (".json" if as_json else ".yaml"), _dump(data, as_json).encode()
    if kind == 4:
        return ".yaml", mutate_bytes(base.encode("utf-8"), rnd)
    return ".yaml", base.encode("latin-1", errors="replace") + "é".encode("latin-1")


# ---------------------------------------------------------------- readers


def one_line(error: OpenIMRError) -> None:
    message = str(error)
    assert message.strip(), f"{type(error).__name__} with an empty message"
    assert "\n" not in message and "\r" not in message, f"multi-line error: {message!r}"


def read_panel(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")
    try:
        panel = load_panel(path)
    except OpenIMRError as error:
        one_line(error)
        return
    codes = [r.code for r in panel]
    assert panel and len(codes) == len(set(codes)), "a loaded panel has unique codes"


def read_letter_text(text: str) -> None:
    """parse, blind, audit and to_case of one letter text."""
    try:
        letter = parse_text(text, "fuzz.txt")
    except OpenIMRError as error:
        one_line(error)
        letter = None
    if letter is not None:
        audit(letter)
        to_case(letter)  # documented never to raise
    try:
        blind_text(text, "fuzz.txt")
    except OpenIMRError as error:
        one_line(error)


def read_pdf(data: bytes) -> None:
    try:
        parse_letter(data)
    except OpenIMRError as error:
        one_line(error)


def read_request(text: str) -> TreatmentRequest:
    """parse_request never raises; its fields obey DESIGN.md's closed vocabularies."""
    request = parse_request(text)
    assert isinstance(request, TreatmentRequest)
    # parse_request catches its own bugs and says so here: that is a crash all the same
    assert not any(span.startswith("<parser error") for span in request.unparsed_spans), (
        request.unparsed_spans
    )
    assert request.category in CATEGORIES, request.category
    assert request.laterality in ("left", "right", "bilateral", None), request.laterality
    assert all(part in BODY_PARTS for part in request.body_parts), request.body_parts
    for field in ("quantity", "frequency_per_week", "duration_weeks", "sessions", "refills"):
        value = getattr(request, field)
        assert value is None or value >= 0, f"{field} = {value}"
        assert value is None or value == value, f"{field} is NaN"  # noqa: PLR0124
    assert 0.0 <= request.confidence <= 1.0
    return request


def read_case_file(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        load_case(path)
    except OpenIMRError as error:
        one_line(error)


@st.composite
def case_bodies(draw: st.DrawFn) -> bytes:
    """A JSON request body for POST /cases: an example case damaged, or arbitrary JSON."""
    rnd = draw(st.randoms(use_true_random=False))
    if draw(st.integers(0, 3)) == 0:
        return json.dumps(draw(json_values), allow_nan=True).encode()
    data = yaml.safe_load(draw(st.sampled_from(example_case_texts())))
    for key in rnd.sample(sorted(data), k=min(len(data), rnd.randint(0, 3))):
        value = data[key]
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            data[key] = mutate_records(value, rnd)
        else:
            data[key] = rnd.choice([*WEIRD_SCALARS, *IMPOSSIBLE_DATES])
    body = json.dumps(data, default=str, allow_nan=True)
    return mutate_lines(body, rnd, rounds=1).encode() if rnd.random() < 0.2 else body.encode()
