"""Case files: every example loads and screens eligible; every bad file gives one clear line
naming the file and the problem, and `openimr validate` exits 2 without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from openimr.cli import main
from openimr.domain.case import LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS
from openimr.errors import InputError
from openimr.intake import (
    MAX_CASE_FILE_BYTES,
    UnreadableCaseFileError,
    case_json_schema,
    load_case,
    parse_case_bytes,
    screen,
)

HERE = Path(__file__).parent
REPO = HERE.parents[1]
EXAMPLES = sorted((REPO / "examples" / "cases").glob("*.yaml"))
BAD = HERE / "bad"

# file -> words the one-line message must contain (the field or the problem)
BAD_FILES = {
    "empty.yaml": ["empty"],
    "malformed.yaml": ["malformed YAML", "line 5"],
    "missing-injury.yaml": ["injury", "required field is missing"],
    "unknown-key.yaml": ["diagnosis", "unknown key"],
    "ur-before-injury.yaml": ["ur_decision.date", "before injury.date"],
    "wrong-type.yaml": ["worker.age", "forty"],
    "not-a-mapping.yaml": ["mapping"],
    "truncated.json": ["malformed JSON", "line 3"],
    "does-not-exist.yaml": ["no such file"],
    "impossible-date.yaml": ["decision_date: not a real date (got '2018-02-30')"],
    "impossible-date.json": ["decision_date: not a real date (got '2018-02-30')"],
    "hash-comment.yaml": ["disputed_items[0].text", "line 11", "'#120'", "comment", "quotes"],
    "latin-1.yaml": ["not UTF-8", "0xe9", "byte offset 40"],
    "deep.yaml": ["nested more than 32 levels deep", "line 2"],
    "duplicate-key.yaml": ["decision_date", "line 12", "duplicate key"],
    # deadlines are days added to the case's dates: 9999-12-31 would overflow the calendar
    "far-future-date.yaml": ["decision_date: not a plausible case date (got 9999-12-31"],
}


def test_every_bad_file_is_covered() -> None:
    on_disk = {p.name for p in BAD.iterdir()}
    assert on_disk == set(BAD_FILES) - {"does-not-exist.yaml"}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_case_file_gives_one_clear_line(name: str) -> None:
    path = BAD / name
    with pytest.raises(InputError) as caught:
        load_case(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for word in BAD_FILES[name]:
        assert word in message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_validate_exits_2_with_one_error_line(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BAD / name
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"openimr: error: {path}")
    assert "Traceback" not in captured.err


def test_a_directory_is_not_a_case_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_there_are_six_or_more_examples_with_the_seed_case_first() -> None:
    assert len(EXAMPLES) >= 6
    assert REPO / "examples" / "cases" / "massage-right-wrist.yaml" in EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_validates_and_is_eligible(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(path)]) == 0
    assert "valid case" in capsys.readouterr().out
    case = load_case(path)
    result = screen(case)
    assert result.eligible, result.messages
    assert case.records, "every example carries at least one medical record"
    # examples name no real people: authors are roles ("Treating physician A, MD")
    for record in case.records:
        assert record.author is None or record.author.split()[0] in {
            "Treating",
            "Radiologist",
            "Physical",
            "Consulting",
            "Electrodiagnostic",
        }


def test_examples_cover_the_required_situations() -> None:
    cases = [load_case(p) for p in EXAMPLES]
    texts = [" ".join(item.text for item in c.disputed_items).lower() for c in cases]
    assert any(c.priority == "expedited" for c in cases)
    assert any(len(c.disputed_items) >= 2 for c in cases)
    assert any("was the original request" in t for t in texts)
    assert any("norco" in t for t in texts)
    assert any("emg" in t or "mri" in t for t in texts)
    seed = load_case(REPO / "examples" / "cases" / "massage-right-wrist.yaml")
    assert seed.worker.age == 65 and seed.worker.sex == "female"
    assert seed.injury.date.isoformat() == "2012-01-24"
    assert seed.ur_decision.date.isoformat() == "2014-12-19"
    assert (
        seed.disputed_items[0].text
        == "Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist"
    )


MINIMAL = """\
case_number: CM17-0499020
application_received: 2017-03-02
injury:
  date: 2016-09-14
ur_decision:
  date: 2017-02-01
disputed_items:
  - id: item-1
    text: MRI of the lumbar spine
"""


def _write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_record_over_the_text_limit_is_refused_naming_the_field_and_limit(
    tmp_path: Path,
) -> None:
    at_limit = "x" * LONG_TEXT_MAX_CHARS
    record = "records:\n  - id: r1\n    type: pr2\n    date: 2017-01-05\n    text: {}\n"
    assert (
        load_case(_write(tmp_path, MINIMAL + record.format(at_limit))).records[0].text == at_limit
    )
    with pytest.raises(InputError) as caught:
        load_case(_write(tmp_path, MINIMAL + record.format(at_limit + "x")))
    assert str(caught.value).endswith(
        f"records[0].text: too long: {LONG_TEXT_MAX_CHARS + 1:,} characters, "
        f"over the limit of {LONG_TEXT_MAX_CHARS:,}"
    )
    with pytest.raises(InputError, match=r"disputed_items\[0\]\.text: too long"):
        load_case(_write(tmp_path, MINIMAL.replace("MRI", "M" * SHORT_TEXT_MAX_CHARS)))


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    big = MINIMAL + "# " + "x" * MAX_CASE_FILE_BYTES + "\n"
    with pytest.raises(InputError) as caught:
        load_case(_write(tmp_path, big))
    assert f"over the limit of {MAX_CASE_FILE_BYTES:,} bytes" in str(caught.value)
    with pytest.raises(UnreadableCaseFileError, match="over the limit"):
        parse_case_bytes(big.encode(), "upload.yaml")


def test_the_schema_states_the_limits() -> None:
    schema = case_json_schema()
    record = schema["$defs"]["MedicalRecord"]["properties"]
    assert record["text"]["maxLength"] == LONG_TEXT_MAX_CHARS
    assert record["id"]["maxLength"] == SHORT_TEXT_MAX_CHARS
    assert f"{MAX_CASE_FILE_BYTES:,} bytes" in schema["description"]
    assert "levels deep" in schema["description"]


def test_json_nested_too_deep_is_one_line(tmp_path: Path) -> None:
    deep = '{"case_number": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(InputError, match="nested more than 32 levels deep"):
        load_case(_write(tmp_path, deep, "case.json"))
    # brackets inside a string are text, not nesting
    data = yaml.safe_load(MINIMAL.replace("2016-09-14", "'2016-09-14'"))
    data["application_received"] = "2017-03-02"
    data["ur_decision"]["date"] = "2017-02-01"
    data["disputed_items"][0]["text"] = "[" * 100 + '{"MRI"'
    case = load_case(_write(tmp_path, json.dumps(data), "case.json"))
    assert case.disputed_items[0].text.startswith("[[[")


def test_aliases_cannot_expand_a_small_file_into_a_huge_one(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["' + "x" * 1000 + '"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    with pytest.raises(UnreadableCaseFileError, match="aliases expand it beyond the limit"):
        load_case(_write(tmp_path, "\n".join(lines) + "\n"))
    with pytest.raises(InputError, match="levels deep"):
        load_case(_write(tmp_path, "a: &a [*a]\n"))


@pytest.mark.parametrize(
    "value",
    [
        '"Norco 10/325mg #120"',
        "'Norco 10/325mg #120'",
        "|\n      Norco 10/325mg #120",
        "Norco 10/325mg#120",  # no space before '#': YAML keeps it
    ],
)
def test_a_hash_that_yaml_keeps_is_not_an_error(tmp_path: Path, value: str) -> None:
    case = load_case(_write(tmp_path, MINIMAL.replace("MRI of the lumbar spine", value)))
    assert "#120" in case.disputed_items[0].text


@pytest.mark.parametrize("prefix", ["\ufeff", "note: ü𝟠\n"])
def test_a_dropped_comment_is_found_after_a_bom_or_wide_characters(
    tmp_path: Path, prefix: str
) -> None:
    # libyaml's marks skip a leading byte-order mark; the '#' must still be found
    text = prefix + (BAD / "hash-comment.yaml").read_text("utf-8")
    with pytest.raises(InputError, match=r"disputed_items\[0\]\.text: line 1\d: .*'#120'"):
        load_case(_write(tmp_path, text))


def test_a_trailing_comment_after_a_non_text_or_empty_value_is_fine(tmp_path: Path) -> None:
    text = MINIMAL.replace("date: 2016-09-14", "date: 2016-09-14  # per the DWC-1")
    text += "worker:\n  age: 40 # years\n  occupation: # not stated\n"
    case = load_case(_write(tmp_path, text))
    assert case.injury.date.isoformat() == "2016-09-14"
    assert case.worker.age == 40 and case.worker.occupation is None


def test_a_comment_after_an_optional_text_is_caught(tmp_path: Path) -> None:
    text = MINIMAL.replace("    text: MRI", "    ur_guideline: ODG #3\n    text: MRI")
    with pytest.raises(InputError, match=r"disputed_items\[0\]\.ur_guideline: line 9:"):
        load_case(_write(tmp_path, text))


def test_a_comment_after_a_list_of_texts_is_caught(tmp_path: Path) -> None:
    text = MINIMAL + "prior_treatments:\n  - physical therapy\n  - Norco #60 for a year\n"
    with pytest.raises(InputError, match=r"prior_treatments\[1\]: line 12:"):
        load_case(_write(tmp_path, text))


def test_yaml_and_json_give_the_same_field_message() -> None:
    messages = []
    for name in ("impossible-date.yaml", "impossible-date.json"):
        with pytest.raises(InputError) as caught:
            load_case(BAD / name)
        messages.append(str(caught.value).removeprefix(str(BAD / name)))
    assert messages[0] == messages[1]


def test_an_upload_reads_like_a_file() -> None:
    raw = (BAD / "impossible-date.yaml").read_bytes()
    with pytest.raises(InputError) as caught:
        parse_case_bytes(raw, "c.yaml")
    assert not isinstance(caught.value, UnreadableCaseFileError)  # a field problem: the API's 422
    assert str(caught.value) == "c.yaml: decision_date: not a real date (got '2018-02-30')"
    with pytest.raises(UnreadableCaseFileError, match="not UTF-8"):
        parse_case_bytes((BAD / "latin-1.yaml").read_bytes(), "c.yaml")


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_a_command_date_outside_the_plausible_years_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:  # argparse's usage error
        main(["decide", str(EXAMPLES[0]), "--no-store", "--date", value])
    assert usage.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a plausible case date" in err[0]
