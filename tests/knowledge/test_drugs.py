"""The drug table: one source for names, classes, combinations and morphine factors; names it
lacks resolve through the maintained dictionary; an unknown drug is said, never silent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from openimr.cli import main
from openimr.engine.opioids import morphine_factor as engine_factor
from openimr.errors import KnowledgeBaseError
from openimr.knowledge import drugs
from openimr.knowledge.tables import DATA_DIR
from openimr.requests import parse_request


def test_the_table_loads_with_provenance() -> None:
    table = drugs.drug_table()
    assert table.table == "drugs" and table.provenance.source
    assert len(table.rows) > 100
    assert drugs.drug_rows()["hydrocodone"].drug_class == "opioid"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "drugs.yaml"
    text = (DATA_DIR / "drugs.yaml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "generic: etodolac\n    class: nsaid",
            "generic: etodolac\n    class: painkiller",
            r"^drugs\.yaml: rows\.\d+ \(etodolac\): unknown class 'painkiller'$",
        ),
        (
            "generic: hydrocodone/acetaminophen",
            "generic: hydrocodone/paracetamolx",
            r"^drugs\.yaml: rows\.\d+ \(hydrocodone/paracetamolx\): combination part "
            r"'paracetamolx' is not a known generic$",
        ),
        (
            "generic: codeine\n    class: opioid\n    morphine: {factor: 0.15, source: cdc2016}",
            "generic: codeine\n    class: opioid",
            r"^drugs\.yaml: rows\.\d+ \(codeine\): an opioid needs a morphine entry",
        ),
        (
            "brands: [norco,",
            "brands: [motrin, norco,",
            r"^drugs\.yaml: rows\.\d+ \(hydrocodone/acetaminophen\): name 'motrin' already "
            r"belongs to ibuprofen$",
        ),
        (
            "generic: etodolac\n    class: nsaid",
            "generic: etodolac\n    class: nsaid\n    colour: red",
            r"^drugs\.yaml: rows\.\d+ \(etodolac\): colour: Extra inputs are not permitted$",
        ),
    ],
)
def test_a_bad_row_is_a_one_line_error_naming_file_and_row(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(KnowledgeBaseError, match=message) as info:
        drugs.drug_table(path)
    assert "\n" not in str(info.value)


def test_every_combination_part_is_a_known_generic() -> None:
    rows = drugs.drug_rows()
    combinations = [row for row in rows.values() if row.is_combination]
    assert len(combinations) >= 15
    for row in combinations:
        for part in row.parts:
            assert part in rows and not rows[part].is_combination, (row.generic, part)


def test_every_opioid_ingredient_has_a_sourced_morphine_entry() -> None:
    for row in drugs.drug_rows().values():
        if row.drug_class == "opioid" and not row.is_combination:
            assert row.morphine is not None and row.morphine.source == "cdc2016", row.generic


@pytest.mark.parametrize(
    ("drug", "factor"),
    [
        ("hydrocodone/acetaminophen", 1.0),
        ("oxycodone", 1.5),
        ("tramadol", 0.1),
        ("hydromorphone", 4.0),
        ("oxymorphone", 3.0),
        ("codeine", 0.15),
        ("fentanyl", 2.4),
        ("buprenorphine", None),
        ("ibuprofen", None),
        ("zyxorinab", None),
    ],
)
def test_morphine_factors_follow_cdc_2016(drug: str, factor: float | None) -> None:
    assert drugs.morphine_factor(drug) == factor
    assert engine_factor(drug) == factor  # the engine has no table of its own


@pytest.mark.parametrize(
    ("daily_mg", "factor"), [(None, None), (10, 4.0), (20, 4.0), (30, 8.0), (60, 10.0), (100, 12.0)]
)
def test_methadone_factor_comes_from_the_dose_tiers_not_a_fixed_3(daily_mg, factor) -> None:
    assert drugs.morphine_factor("methadone", daily_mg) == factor
    assert engine_factor("methadone", daily_mg) == factor
    assert engine_factor("methadone") != 3.0


def test_combination_class_follows_its_opioid_part() -> None:
    assert drugs.drug_class("hydrocodone/acetaminophen") == "opioid"
    assert drugs.drug_class("acetaminophen/caffeine/dihydrocodeine") == "opioid"
    assert drugs.drug_class("zyxorinab") is None


def test_implied_conditions_are_table_data() -> None:
    assert drugs.drug_rows()["warfarin"].conditions["bleeding_risk"] == "anticoagulation"
    assert drugs.drug_rows()["insulin"].conditions["comorbidity"] == "diabetes"


def test_the_class_vocabulary_has_the_evidence_classes_and_words() -> None:
    names = drugs.drug_class_names()
    assert {"opioid", "gi_protectant", "anticoagulant", "statin", "other"} <= set(names)
    words = {w for row in drugs.class_table().rows for w in row.words}
    assert {"muscle relaxants", "nsaids", "compounded creams"} <= words


@pytest.mark.parametrize(
    ("variant", "generic"),
    [("narcan", "naloxone"), ("lexapro", "escitalopram"), ("ketamine", "ketamine")],
)
def test_the_maintained_dictionary_maps_names_to_generics(variant: str, generic: str) -> None:
    assert drugs.maintained_names()[variant] == generic


def test_the_dictionary_drops_class_concepts_salts_and_stop_words() -> None:
    names = drugs.maintained_names()
    for word in ("opioids", "sulfate", "citrate", "caps", "generics", "indicators"):
        assert word not in names, word


@pytest.mark.parametrize(
    ("text", "drug", "drug_class"),
    [
        ("Narcan 4 mg #2", "naloxone", "other"),  # the brand is the dictionary's, the class ours
        ("Ketamine", "ketamine", None),
        ("Escitalopram 10 mg #30", "escitalopram", "antidepressant"),
        ("Lexapro 10mg #30", "escitalopram", "antidepressant"),
    ],
)
def test_brands_and_generics_outside_the_table_resolve(
    text: str, drug: str, drug_class: str | None
) -> None:
    request = parse_request(text)
    assert (request.category, request.drug, request.drug_class) == ("medication", drug, drug_class)


def test_a_dictionary_only_drug_is_noted_with_class_unknown() -> None:
    request = parse_request("Ketamine")
    assert request.warnings == [
        "drug 'Ketamine' resolved to ketamine from the drug-name dictionary; not in the drug "
        "table, so its class is unknown"
    ]
    assert parse_request("Lexapro 10mg #30").warnings == []  # in our table: nothing to say


@pytest.mark.parametrize(
    "text",
    [
        "ice pack",
        "Ice pack for the left knee",
        "cold therapy unit",
        "back brace",
        "home health aide",
        "Home health aide 4 hours a day, 5 days a week for 4 weeks",
        "Hot/cold pack",
        "Lumbar support",
        "Water therapy 2 times a week for 6 weeks",
    ],
)
def test_english_words_are_not_drugs(text: str) -> None:
    request = parse_request(text)
    assert request.drug is None and request.category != "medication", request
    assert request.warnings == []


def test_an_unknown_medication_is_never_silent() -> None:
    request = parse_request("Zyxorinab 10 mg #30")
    assert (request.category, request.drug) == ("medication", None)
    assert request.warnings == [
        "unknown drug 'Zyxorinab': not in the drug table or the drug-name dictionary"
    ]


def test_request_json_carries_the_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["request", "Zyxorinab 10 mg #30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["warnings"] == [
        "unknown drug 'Zyxorinab': not in the drug table or the drug-name dictionary"
    ]
    assert main(["request", "Norco 10/325mg #60", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []


def test_the_dictionary_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openimr import build_cache

    monkeypatch.setenv(build_cache.CACHE_DIR_ENV, str(tmp_path))
    drugs.maintained_names.cache_clear()
    try:
        first = drugs.maintained_names()
        assert list(tmp_path.glob("drug-names-*.pickle"))
        drugs.maintained_names.cache_clear()
        monkeypatch.setattr(drugs, "_build_maintained", lambda path: pytest.fail("rebuilt"))
        assert drugs.maintained_names() == first
    finally:
        drugs.maintained_names.cache_clear()


def test_a_missing_table_file_names_it(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "drugs.yaml", tmp_path / "drugs.yaml")
    (tmp_path / "drugs.yaml").write_text("table: drugs\nversion: 1\nrows: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"^drugs\.yaml: not valid YAML"):
        drugs.drug_table(tmp_path / "drugs.yaml")
