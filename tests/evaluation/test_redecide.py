"""redecide reads only the header, the case summary and the item texts; evaluate compares blind."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from openimr.cli import main
from openimr.evaluation.evaluate import evaluate_paths
from openimr.evaluation.redecide import redecide_items

LETTERS = ("CM16-0213037", "CM17-0007142")  # a two-item letter and a surgery letter with services


@pytest.fixture()
def dev_txt(shared_dir: Path) -> Path:
    return shared_dir / "data" / "dwc-imr-letters" / "txt"


def _tampered(text: str) -> str:
    """The same letter with every decision flipped and every guideline line and rationale rewritten."""
    text = re.sub(r":\s*Upheld\b", ": OVERTURNED_X", text)
    text = re.sub(r":\s*Overturned\b", ": Upheld", text)
    text = text.replace(": OVERTURNED_X", ": Overturned")
    text = re.sub(
        r"(Decision rationale:)", r"\1 The request is medically necessary and approved. ", text
    )
    return re.sub(
        r"(MAXIMUS guideline: Decision based on)",
        r"\1 ODG Knee 2016, Section(s): Hearing aids;",
        text,
    )


@pytest.mark.parametrize("name", LETTERS)
def test_redecide_ignores_decisions_guidelines_and_rationales(
    name: str, dev_txt: Path, tmp_path: Path
) -> None:
    original = dev_txt / f"{name}.txt"
    tampered = tmp_path / f"{name}.txt"
    from openimr.letters.parse import parse_text

    text = original.read_text(encoding="utf-8")
    tampered.write_text(_tampered(text), encoding="utf-8")
    flipped = [i.decision for i in parse_text(tampered.read_text(encoding="utf-8")).items]
    assert flipped != [i.decision for i in parse_text(text).items]  # the tampering took
    ours = [(i.treatment, i.outcome, i.rationale) for i in redecide_items(original)]
    again = [(i.treatment, i.outcome, i.rationale) for i in redecide_items(tampered)]
    assert ours and ours == again


def test_redecide_cli_jsonl_shape(dev_txt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["redecide", str(dev_txt / f"{LETTERS[0]}.txt"), "--jsonl"]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    assert record["file"] == f"{LETTERS[0]}.txt"
    assert len(record["items"]) == 2
    for item in record["items"]:
        assert set(item) == {
            "treatment",
            "decision",
            "guideline",
            "rationale",
            "overturn_likelihood",
        }
        assert item["decision"] in ("Upheld", "Overturned")
        assert 0 <= item["overturn_likelihood"] <= 1


def test_evaluate_reports_every_metric_and_causes(dev_txt: Path, tmp_path: Path) -> None:
    for name in LETTERS:
        shutil.copy(dev_txt / f"{name}.txt", tmp_path / f"{name}.txt")
    (tmp_path / "not-a-letter.txt").write_text("shopping list: milk, eggs", encoding="utf-8")
    report = evaluate_paths([tmp_path])
    for key in (
        "items",
        "accuracy",
        "balanced_accuracy",
        "kappa",
        "overturn_precision",
        "overturn_recall",
        "macro_f1",
        "citation_agreement",
    ):
        assert key in report.metrics
    assert report.metrics["items"] == sum(1 for _ in report.items) > 2
    # the per-category table partitions the items, and its figures agree with them
    assert sum(row["items"] for row in report.by_category.values()) == report.metrics["items"]
    for name, row in report.by_category.items():
        mine = [i for i in report.items if i.category == name]
        assert row["accuracy"] == round(sum(i.truth == i.ours for i in mine) / len(mine), 4)
        assert row["reviewer_overturned"] == sum(i.truth == "Overturned" for i in mine)
    assert any("not-a-letter.txt" in s for s in report.skipped)
    for d in report.disagreements():
        assert d.cause in (
            "parser",
            "missing_guideline_row",
            "fact_not_extracted",
            "criterion_judgment",
        )


def test_redecide_missing_path_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["redecide", "/no/such/letter.pdf"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such file" in err[0]


def test_evaluate_lists_citation_misses(
    dev_txt: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An item whose reviewer cited some other section is a citation miss, in JSON and in --list."""
    text = (dev_txt / f"{LETTERS[0]}.txt").read_text(encoding="utf-8")
    elsewhere = re.sub(
        r"MAXIMUS guideline: Decision based on[^\n]*(\n(?!Decision rationale)[^\n]*)*",
        "MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004, Section(s): Summary.",
        text,
    )
    assert elsewhere != text
    (tmp_path / f"{LETTERS[0]}.txt").write_text(elsewhere, encoding="utf-8")
    assert main(["evaluate", str(tmp_path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    misses = payload["citation_misses"]
    assert (
        sum(row["items"] for row in payload["by_category"].values()) == payload["metrics"]["items"]
    )
    assert payload["metrics"]["citation_agreement"] == 0.0
    assert (
        payload["metrics"]["kappa"] is None
    )  # both items upheld by the reviewer: kappa is undefined
    assert len(misses) == payload["metrics"]["citation_items"] == 2
    assert all(m["reviewer_guideline"].endswith("Section(s): Summary.") for m in misses)
    assert main(["evaluate", str(tmp_path), "--list"]) == 0
    listing = capsys.readouterr().out
    assert (
        "citation misses" in listing
        and "reviewer: Decision based on MTUS Knee Complaints 2004" in listing
    )
    assert listing.count("openimr:  MTUS") == 2


def test_evaluate_prints_likelihood_auc_brier_and_calibration(
    dev_txt: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The dev letters are the model's own: their likelihood figures are labelled in-sample, with
    the model file's out-of-fold figures beside them."""
    for name in LETTERS:
        shutil.copy(dev_txt / f"{name}.txt", tmp_path / f"{name}.txt")
    assert main(["evaluate", str(tmp_path), "--json"]) == 0
    likelihood = json.loads(capsys.readouterr().out)["likelihood"]
    assert likelihood["sample"] == "in-sample"
    assert likelihood["items"] == sum(b["items"] for b in likelihood["calibration"]) > 2
    assert 0 <= likelihood["brier"] <= 1
    assert "out-of-fold" in likelihood["out_of_fold"]
    assert main(["evaluate", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "overturn likelihood, in-sample" in text
    assert re.search(r"AUC (\d\.\d{3}|n/a)\s+Brier \d\.\d{4}", text)
    assert "calibration (bins of equal size)" in text
    assert "the model file's own figures: out-of-fold" in text


def test_letters_the_model_never_saw_are_out_of_sample(dev_txt: Path, tmp_path: Path) -> None:
    text = (dev_txt / f"{LETTERS[0]}.txt").read_text(encoding="utf-8")
    renamed = text.replace(LETTERS[0], "CM99-0000001")
    assert renamed != text
    (tmp_path / "unseen.txt").write_text(renamed, encoding="utf-8")
    report = evaluate_paths([tmp_path])
    assert report.items and report.items[0].case_number == "CM99-0000001"
    assert report.likelihood["sample"] == "out-of-sample"
