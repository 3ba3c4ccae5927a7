"""Property-based tests of the case-file reader: whatever the bytes, reading them ends in a `Case`
or in a one-line `InputError`, never in another exception (a traceback for the user)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openimr.domain.case import Case
from openimr.errors import InputError
from openimr.intake import MAX_NESTING, load_case, parse_case_bytes, parse_case_text

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "cases").glob("*.yaml"))
EXAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in EXAMPLES]

# OPENIMR_FUZZ_EXAMPLES raises the count for a longer campaign; the suite keeps it modest
FUZZ = settings(
    max_examples=int(os.environ.get("OPENIMR_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def reads_or_refuses(read: Callable[[], Case]) -> Case | InputError:
    """The outcome of one read: a Case, or an InputError whose message is one line."""
    try:
        case = read()
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        return exc
    assert isinstance(case, Case)
    return case


def both_formats(raw: bytes) -> None:
    for name in ("case.yaml", "case.json"):
        reads_or_refuses(lambda name=name: parse_case_bytes(raw, name))


# -- arbitrary input ------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
@example(b"\xe9t\xe9")  # latin-1
@example(b"\xef\xbb\xbf{}")  # a UTF-8 byte-order mark
@example(b"a: !!int abc")
@example(b"a: !!timestamp 2018-02-30")
@example(b"age: " + b"9" * 5000)
def test_arbitrary_bytes(raw: bytes) -> None:
    both_formats(raw)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("{}[]:,-#&*!|>'\"\n \tab1\\?%@`")), max_size=300))
def test_arbitrary_yaml_punctuation(text: str) -> None:
    # YAML's syntax characters, densely: the parser's error paths, not the happy one
    both_formats(text.encode("utf-8"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
CASE_KEYS = sorted(Case.model_fields)


@FUZZ
@given(st.dictionaries(st.sampled_from(CASE_KEYS) | st.text(max_size=10), json_values, max_size=8))
def test_arbitrary_documents_in_both_formats(data: dict[str, Any]) -> None:
    reads_or_refuses(lambda: parse_case_text(json.dumps(data), "case.json", json_format=True))
    reads_or_refuses(lambda: parse_case_text(yaml.safe_dump(data), "case.yaml"))


# -- mutations of the shipped examples ------------------------------------------------------


@pytest.fixture(scope="module")
def example_data() -> list[dict[str, Any]]:
    return [json.loads(json.dumps(yaml.safe_load(text), default=str)) for text in EXAMPLE_TEXTS]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a document, so a mutation can pick one."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@FUZZ
@given(st.data())
def test_an_example_with_a_key_dropped(
    example_data: list[dict[str, Any]], data: st.DataObject
) -> None:
    document = json.loads(json.dumps(data.draw(st.sampled_from(example_data))))
    path = data.draw(st.sampled_from(_paths(document)))
    del _parent(document, path)[path[-1]]
    outcome = reads_or_refuses(
        lambda: parse_case_text(json.dumps(document), "c.json", json_format=True)
    )
    if isinstance(outcome, InputError) and path[0] == "injury" and len(path) == 1:
        assert "injury: required field is missing" in str(outcome)


@FUZZ
@given(st.data())
def test_an_example_with_a_value_replaced(
    example_data: list[dict[str, Any]], data: st.DataObject
) -> None:
    document = json.loads(json.dumps(data.draw(st.sampled_from(example_data))))
    path = data.draw(st.sampled_from(_paths(document)))
    _parent(document, path)[path[-1]] = data.draw(json_values)
    reads_or_refuses(lambda: parse_case_text(json.dumps(document), "c.json", json_format=True))
    reads_or_refuses(lambda: parse_case_text(yaml.safe_dump(document), "c.yaml"))


DATE_LINE = re.compile(r"^(\s*(?:-\s+)?\w*date\w*:)[ \t]*(\S.*)$", re.MULTILINE)


def _date_lines(text: str) -> list[re.Match[str]]:
    return list(DATE_LINE.finditer(text))


@FUZZ
@given(st.data())
def test_an_example_with_a_date_written_as_anything(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(EXAMPLE_TEXTS))
    line = data.draw(st.sampled_from(_date_lines(text)))
    written = data.draw(
        st.sampled_from(["2018-02-30", "2018-13-01", "0000-00-00", "2018-2-3", "02/30/2018", ""])
        | st.from_regex(r"\A[0-9-]{1,12}\Z")
        | st.text(max_size=20)
    )
    mutated = text[: line.start(2)] + written + text[line.end(2) :]
    outcome = reads_or_refuses(lambda: parse_case_text(mutated, "c.yaml"))
    if written == "2018-02-30" and isinstance(outcome, InputError):
        assert "not a real date (got '2018-02-30')" in str(outcome) or "before" in str(outcome)


@FUZZ
@given(st.data(), st.integers(min_value=0, max_value=3 * MAX_NESTING))
def test_an_example_with_a_value_nested_deeply(data: st.DataObject, depth: int) -> None:
    text = data.draw(st.sampled_from(EXAMPLE_TEXTS))
    line = data.draw(st.sampled_from(_date_lines(text)))
    flow = data.draw(st.sampled_from(["[]", "{}"]))
    opened = (flow[0] + "k: " if flow == "{}" else flow[0]) * depth
    mutated = text[: line.start(2)] + opened + line.group(2) + flow[1] * depth + text[line.end(2) :]
    outcome = reads_or_refuses(lambda: parse_case_text(mutated, "c.yaml"))
    if depth > MAX_NESTING:
        assert isinstance(outcome, InputError) and "levels deep" in str(outcome)


@FUZZ
@given(st.data(), st.integers(min_value=0, max_value=5000))
def test_an_example_as_json_nested_deeply(
    example_data: list[dict[str, Any]], data: st.DataObject, depth: int
) -> None:
    document = data.draw(st.sampled_from(example_data))
    text = json.dumps(document)
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    mutated = text[:at] + "[" * depth + text[at:] + "]" * depth
    outcome = reads_or_refuses(lambda: parse_case_text(mutated, "c.json", json_format=True))
    if depth > MAX_NESTING:
        assert isinstance(outcome, InputError)


@FUZZ
@given(st.data(), st.binary(min_size=1, max_size=4))
def test_an_example_with_bytes_that_are_not_utf8(data: st.DataObject, inserted: bytes) -> None:
    raw = data.draw(st.sampled_from(EXAMPLE_TEXTS)).encode("utf-8")
    at = data.draw(st.integers(min_value=0, max_value=len(raw)))
    mutated = raw[:at] + bytes([0x80 | inserted[0]]) + inserted[1:] + raw[at:]
    outcome = reads_or_refuses(lambda: parse_case_bytes(mutated, "c.yaml"))
    try:
        mutated.decode("utf-8")
    except UnicodeDecodeError as exc:
        assert isinstance(outcome, InputError)
        assert f"not UTF-8 (byte 0x{mutated[exc.start]:02x} at byte offset {exc.start})" in str(
            outcome
        )


@FUZZ
@given(st.data())
def test_an_example_cut_short_or_spliced(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(EXAMPLE_TEXTS))
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    splice = data.draw(st.integers(min_value=0, max_value=len(text)))
    reads_or_refuses(lambda: parse_case_text(text[:cut], "c.yaml"))
    reads_or_refuses(lambda: parse_case_text(text[:cut] + text[splice:], "c.yaml"))


def test_every_example_reads_unchanged(tmp_path: Path) -> None:
    # the mutations above start from files that read: a broken example would make them vacuous
    for path in EXAMPLES:
        assert isinstance(reads_or_refuses(lambda path=path: load_case(path)), Case)
