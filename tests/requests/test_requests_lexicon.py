"""The lexicon data files: closed vocabularies, MME factors, validation errors that name the row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openimr.errors import KnowledgeBaseError
from openimr.requests import load_lexicon, mme_factor
from openimr.requests.lexicon import DATA_DIR

DRUG_CLASSES = (
    "opioid",
    "nsaid",
    "muscle_relaxant",
    "gi_protectant",
    "anticonvulsant",
    "antidepressant",
    "topical",
    "compound",
    "sleep_aid",
    "benzodiazepine",
    "stimulant",
    "antiemetic",
    "corticosteroid",
    "triptan",
    "other",
)


def test_drug_class_vocabulary_is_the_closed_list() -> None:
    assert load_lexicon().drug_classes == DRUG_CLASSES


def test_every_ingredient_has_a_known_class_and_source() -> None:
    lexicon = load_lexicon()
    for ingredient in lexicon.ingredients.values():
        assert ingredient.drug_class in DRUG_CLASSES
        assert ingredient.source


@pytest.mark.parametrize(
    ("drug", "factor"),
    [
        ("hydrocodone/acetaminophen", 1.0),
        ("oxycodone", 1.5),
        ("morphine", 1.0),
        ("tramadol", 0.1),
        ("tapentadol", 0.4),
        ("hydromorphone", 4.0),
        ("oxymorphone", 3.0),
        ("codeine", 0.15),
        ("fentanyl", 2.4),
        ("methadone", None),
        ("buprenorphine", None),
        ("ibuprofen", None),
    ],
)
def test_mme_factors_follow_cdc_2016(drug: str, factor: float | None) -> None:
    assert mme_factor(drug) == factor


def test_opioids_without_a_factor_explain_why() -> None:
    for ingredient in load_lexicon().ingredients.values():
        if ingredient.drug_class == "opioid" and ingredient.mme_factor is None:
            assert ingredient.mme_note


@pytest.mark.parametrize(
    ("brand", "generic"),
    [
        ("norco", "hydrocodone/acetaminophen"),
        ("ultracet", "tramadol/acetaminophen"),
        ("fexmid", "cyclobenzaprine"),
        ("percocet", "oxycodone/acetaminophen"),
    ],
)
def test_brands_map_to_generics(brand: str, generic: str) -> None:
    assert load_lexicon().drug_words[brand].drug == generic


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_unknown_drug_class_names_file_and_row(tmp_path: Path) -> None:
    data = _broken_copy(
        tmp_path,
        "drugs.yaml",
        "{name: etodolac, class: nsaid",
        "{name: etodolac, class: painkiller",
    )
    with pytest.raises(KnowledgeBaseError, match=r"drugs\.yaml.*etodolac.*painkiller"):
        load_lexicon(data)


def test_brand_with_unknown_ingredient_is_rejected(tmp_path: Path) -> None:
    data = _broken_copy(
        tmp_path, "drugs.yaml", "drug: hydrocodone/acetaminophen", "drug: hydrocodone/paracetamolx"
    )
    with pytest.raises(KnowledgeBaseError, match="paracetamolx"):
        load_lexicon(data)


def test_invalid_yaml_is_a_knowledge_base_error(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "number_words.yaml", "numbers:", "numbers: [")
    with pytest.raises(KnowledgeBaseError, match="number_words.yaml"):
        load_lexicon(data)


@pytest.mark.parametrize(
    ("daily_mg", "factor"), [(None, None), (10, 4.0), (20, 4.0), (30, 8.0), (60, 10.0), (100, 12.0)]
)
def test_methadone_factor_depends_on_the_daily_dose(daily_mg, factor) -> None:
    assert mme_factor("methadone", daily_dose_mg=daily_mg) == factor


def test_morphine_factor_alias_for_the_engine() -> None:
    from openimr.requests.lexicon import morphine_factor

    assert morphine_factor("hydrocodone/acetaminophen") == 1.0
    assert morphine_factor(None) is None
