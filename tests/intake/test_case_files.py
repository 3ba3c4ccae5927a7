"""Case files: every example loads and screens eligible; every bad file gives one clear line
naming the file and the problem, and `openimr validate` exits 2 without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.cli import main
from openimr.errors import InputError
from openimr.intake import load_case, screen

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
