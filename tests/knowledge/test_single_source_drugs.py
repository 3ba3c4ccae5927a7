"""Drugs are written once, in knowledge/data/drugs.yaml: this fails if an old copy comes back.

It scans the source tree: the retired files, any other YAML under src that lists generic drug
names, and any Python module outside openimr.knowledge that writes a table of morphine factors.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from openimr.knowledge import drugs
from openimr.letters.vocab import treatment_topics

SRC = Path(drugs.__file__).resolve().parents[1]  # src/openimr
KNOWLEDGE_DATA = SRC / "knowledge" / "data"
RETIRED = (
    "requests/data/drugs.yaml",
    "requests/data/drug_classes.yaml",
    "evidence/data/medications.yaml",
)
# A YAML file naming this many generics of the table is a drug list.
MAX_GENERICS_ELSEWHERE = 5


def _single_generics() -> set[str]:
    return {row.generic for row in drugs.drug_table().rows if not row.is_combination}


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node.lower()]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings(key) + _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


def test_the_retired_drug_files_are_gone() -> None:
    for relative in RETIRED:
        assert not (SRC / relative).exists(), f"{relative} is back: drugs live in the drug table"


def _drug_lists() -> dict[str, list[str]]:
    """YAML files under src, outside knowledge/data, that name many of the table's generics."""
    generics = _single_generics()
    found = {}
    for path in SRC.rglob("*.yaml"):
        if KNOWLEDGE_DATA in path.parents:
            continue
        # guideline rows name the drugs they address; they are recommendations, not a drug list
        if "guidelines" in path.relative_to(SRC).parts:
            continue
        values = set(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
        # "hydrocodone*" in a term list is the drug too
        values |= {value.rstrip("*") for value in values}
        named = sorted(values & generics)
        if len(named) > MAX_GENERICS_ELSEWHERE:
            found[path.relative_to(SRC).as_posix()] = named[:8]
    return found


def test_no_yaml_outside_knowledge_lists_generic_drugs() -> None:
    offenders = _drug_lists()
    assert not offenders, f"drug lists outside knowledge/data: {offenders}"


def test_the_audit_topics_take_their_drug_names_from_the_table() -> None:
    topics = {row.topic: row for row in treatment_topics()}
    opioid_names = {
        n for row in drugs.drug_table().rows if row.drug_class == "opioid" for n in row.names()
    }
    assert opioid_names and opioid_names <= set(topics["opioids"].item_terms)
    assert "tramadol*" in topics["opioids"].citation_terms
    # a compounded kit is a compound drug as well as its ingredient's class
    assert "synapryn" in topics["topical analgesics"].item_terms


def _is_factor_table(node: ast.Dict, opioids: set[str]) -> bool:
    keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    numbers = [
        v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, float | int)
    ]
    return len(set(keys) & opioids) >= 2 and len(numbers) >= 2


def test_no_module_outside_knowledge_defines_morphine_factors() -> None:
    opioids = {row.generic for row in drugs.drug_table().rows if row.morphine is not None} | {
        "methadone",
        "morphine",
    }
    offenders = []
    for path in SRC.rglob("*.py"):
        if (SRC / "knowledge") in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and _is_factor_table(node, opioids):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders, f"morphine factor tables outside the drug table: {offenders}"


def test_the_scan_would_catch_the_old_engine_fallback() -> None:
    old = "_FALLBACK_FACTORS = {'hydrocodone': 1.0, 'oxycodone': 1.5, 'methadone': 3.0}"
    node = ast.parse(old).body[0].value
    assert isinstance(node, ast.Dict) and _is_factor_table(node, {"hydrocodone", "oxycodone"})
