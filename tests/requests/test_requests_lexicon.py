"""The lexicon data files: closed vocabularies, validation errors that name the row. The drug
names and factors are the drug table's (tests/knowledge/test_drugs.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openimr.errors import KnowledgeBaseError
from openimr.knowledge.drugs import drug_class_names
from openimr.requests import load_lexicon
from openimr.requests.lexicon import DATA_DIR


def test_drug_class_vocabulary_is_the_drug_tables() -> None:
    assert load_lexicon().drug_classes == drug_class_names()


def test_every_ingredient_has_a_known_class() -> None:
    lexicon = load_lexicon()
    for ingredient in lexicon.ingredients.values():
        assert ingredient.drug_class in lexicon.drug_classes


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


def test_invalid_yaml_is_a_knowledge_base_error(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "filler_words.yaml", "words: [", "words: [[")
    with pytest.raises(KnowledgeBaseError, match="filler_words.yaml"):
        load_lexicon(data)
