"""`openimr corpus add`, `precedents`, `stats` end to end on a few dev letters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from openimr.cli import main
from openimr.store import open_store

LETTERS = ("CM17-0006634", "CM16-0234202", "CM17-0010420", "CM17-0020243")


@pytest.fixture
def letters(shared_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    for case in LETTERS:
        shutil.copy(shared_dir / "data" / "dwc-imr-letters" / "txt" / f"{case}.txt", folder)
    return folder


@pytest.fixture
def db(tmp_path: Path, letters: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = f"sqlite:///{tmp_path / 'corpus.db'}"
    assert main(["corpus", "add", str(letters), "--db", url, "--actor", "test"]) == 0
    capsys.readouterr()
    return url


def test_add_is_idempotent_and_a_changed_letter_is_replaced_and_logged(
    db: str, letters: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "add", str(letters), "--db", db, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [row["action"] for row in again["letters"]] == ["unchanged"] * len(LETTERS)
    path = letters / "CM17-0020243.txt"
    path.write_text(path.read_text().replace("not medically necessary", "not necessary"))
    assert main(["corpus", "add", str(path), "--db", db, "--actor", "clerk"]) == 0
    assert "1 replaced (logged)" in capsys.readouterr().out
    store = open_store(db)
    try:
        actions = [e.action for e in store.audit_entries("CM17-0020243")]
        assert actions == ["corpus_add", "corpus_replace"]
        assert store.verify_audit_log().ok
    finally:
        store.close()


def test_a_pdf_that_is_not_a_letter_is_one_line_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from weasyprint import HTML

    pdf = tmp_path / "invoice.pdf"
    HTML(string="<h1>Invoice 42</h1><p>Total due: $10</p>").write_pdf(pdf)
    target = tmp_path / "never.db"
    assert main(["corpus", "add", str(pdf), "--db", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invoice.pdf: not an IMR Final Determination Letter" in err
    assert not target.exists()  # the store is opened only once the letter has parsed


def test_batch_answers_one_line_per_query_in_order(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("Norco 10/325 #60\nMRI of the lumbar spine\n\nLumbar MRI\n")
    assert main(["precedents", "--batch", str(queries), "--db", db, "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    answers = [json.loads(line) for line in lines]
    assert len(answers) == 4
    assert [a["results"][0]["category"] if a["results"] else None for a in answers] == [
        "medication", "imaging", None, "imaging"
    ]  # fmt: skip
    keys = {"case_number", "item", "treatment", "category", "decision", "guideline", "excerpt",
            "score", "why"}  # fmt: skip
    assert set(answers[0]["results"][0]) == keys


def test_stats_json_shape_and_plots(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png, svg = tmp_path / "stats.png", tmp_path / "stats.svg"
    assert main(["stats", "--db", db, "--json", "--plot", str(png)]) == 0
    stats = json.loads(capsys.readouterr().out)
    for dim in ("category", "guideline", "year", "specialty", "region"):
        row = stats[f"by_{dim}"][0]
        assert set(row) == {dim, "items", "upheld", "overturned", "overturn_rate", "ci_low",
                            "ci_high"}  # fmt: skip
        assert sum(r["items"] for r in stats["by_category"]) == stats["items"]
    assert stats["letters"] == len(LETTERS)
    assert stats["upheld"] + stats["overturned"] == stats["items"]
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000
    assert main(["stats", "--db", db, "--plot", str(svg)]) == 0
    assert "<svg" in svg.read_text() and "Body region" in svg.read_text()
    assert main(["stats", "--db", db, "--plot", str(tmp_path / "stats.gif")]) == 2
    assert "give a .png or .svg" in capsys.readouterr().err


def test_precedents_for_a_case_file_leave_its_own_case_out(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = Path(__file__).resolve().parents[2] / "examples" / "cases" / "expedited-lumbar-mri.yaml"
    assert main(["precedents", "--case", str(case), "--db", db, "--json", "--limit", "3"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and rows[0]["results"][0]["category"] == "imaging"


def test_the_api_serves_precedents_and_stats_to_any_role(db: str) -> None:
    from fastapi.testclient import TestClient

    from openimr.api.app import create_app

    app = create_app(db, api_keys={"intake-key-0001": "intake"})
    try:
        with TestClient(app) as client:
            key = {"X-API-Key": "intake-key-0001"}
            answer = client.get("/precedents", params={"q": "lumbar MRI", "limit": 2}, headers=key)
            assert answer.status_code == 200
            assert len(answer.json()["results"]) == 2
            assert answer.json()["results"][0]["category"] == "imaging"
            assert client.get("/precedents", params={"q": "mri"}).status_code == 401
            assert client.get("/precedents", params={"q": ""}, headers=key).status_code == 422
            stats = client.get("/stats", headers=key)
            assert stats.status_code == 200 and stats.json()["letters"] == len(LETTERS)
    finally:
        app.state.store.close()
