"""`openimr request` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openimr.cli import main
from openimr.requests.scoring import CONTRACT_FIELDS


def test_human_readable_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["request", "Norco 10/325mg #60"]) == 0
    out = capsys.readouterr().out
    assert "drug: hydrocodone/acetaminophen" in out
    assert "quantity: 60" in out
    assert not out.lstrip().startswith("{")


def test_json_has_contract_fields_and_extras(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["request", "MRI of the left knee without contrast", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(CONTRACT_FIELDS) <= set(data)
    assert {"service", "drug_class", "contrast", "confidence", "unparsed_spans"} <= set(data)
    assert (data["category"], data["laterality"], data["contrast"]) == (
        "imaging",
        "left",
        "without",
    )


def test_batch_one_object_per_line_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = ["Acupuncture x 6", "", "Norco 5/325mg #30", "EMG/NCV RUE\u2028odd separator"]
    path = tmp_path / "items.txt"
    path.write_text("\r\n".join(texts) + "\r\n", encoding="utf-8")
    assert main(["request", "--batch", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(texts)
    rows = [json.loads(line) for line in lines]
    assert [row["text"] for row in rows] == texts
    assert [row["category"] for row in rows] == [
        "acupuncture",
        "other",
        "medication",
        "electrodiagnostic",
    ]


def test_missing_batch_file_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["request", "--batch", "/no/such/file.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("openimr: error:") and "/no/such/file.txt" in err
    assert "Traceback" not in err


def test_no_text_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["request"]) == 2
    assert "TEXT" in capsys.readouterr().err


def test_text_and_batch_together_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.txt"
    path.write_text("MRI\n", encoding="utf-8")
    assert main(["request", "MRI", "--batch", str(path)]) == 2
    assert "either" in capsys.readouterr().err


def test_non_utf8_batch_file_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"Caf\xe9 MRI\n")
    assert main(["request", "--batch", str(path)]) == 2
    assert "UTF-8" in capsys.readouterr().err
