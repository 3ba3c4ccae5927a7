"""The MTUS Drug Formulary table and its rules (8 CCR 9792.27.1-9792.27.23)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openimr.errors import KnowledgeBaseError
from openimr.guidelines import load_knowledge_base
from openimr.knowledge.formulary import (
    FORMULARY_START,
    Dispensing,
    assess,
    load_formulary,
    perioperative_fill,
    rows_for,
    special_fill,
    version_on,
)
from openimr.knowledge.tables import DATA_DIR
from openimr.requests import load_lexicon

D = dt.date
ON = D(2019, 6, 1)


@pytest.fixture(scope="module")
def formulary():
    return load_formulary()


def _row(formulary, ingredient: str, form: str | None = None):
    return rows_for(formulary, ingredient.split("/"), ON, form)[0]


def test_the_table_loads_with_150_or_more_ingredients_each_with_a_source(formulary) -> None:
    ingredients = {row.ingredient for row in formulary.rows}
    assert len(ingredients) >= 150
    assert all(row.source.strip() for row in formulary.rows)
    # nothing was checked against DWC's own list: every row says so
    assert not any(row.verified for row in formulary.rows)
    assert formulary.provenance.numbers_verified is False


def test_every_opioid_is_non_exempt(formulary) -> None:
    opioids = {name for name, i in load_lexicon().ingredients.items() if i.drug_class == "opioid"}
    with_opioid = [row for row in formulary.rows if row.ingredients & opioids]
    assert len(with_opioid) >= 20
    assert {row.status for row in with_opioid} == {"non_exempt"}


def test_versions_and_their_verified_dates(formulary) -> None:
    verified = {v.id: v.effective for v in formulary.versions if v.verified}
    assert verified == {"v.1": D(2018, 1, 1), "v.3": D(2018, 10, 1), "v.6": D(2020, 1, 15)}
    assert version_on(formulary, D(2017, 12, 31)) is None
    assert version_on(formulary, D(2018, 9, 30)).id == "v.2"
    assert version_on(formulary, D(2018, 10, 1)).id == "v.3"
    assert version_on(formulary, D(2020, 1, 15)).id == "v.6"


def test_a_drug_added_in_a_later_version_is_unlisted_before_it(formulary) -> None:
    assert assess(formulary, "vortioxetine", ["vortioxetine"], D(2020, 10, 31)).status == "unlisted"
    assert assess(formulary, "vortioxetine", ["vortioxetine"], D(2020, 11, 1)).status == "exempt"


def test_before_2018_the_formulary_is_not_in_force(formulary) -> None:
    status = assess(formulary, "ibuprofen", ["ibuprofen"], FORMULARY_START - dt.timedelta(days=1))
    assert status.in_force is False and status.status is None
    assert "not in force" in status.notes[0]
    assert assess(formulary, "ibuprofen", ["ibuprofen"], FORMULARY_START).status == "exempt"


def test_exempt_generic_needs_no_prospective_review(formulary) -> None:
    status = assess(formulary, "ibuprofen 800 mg", ["ibuprofen"], ON)
    assert status.status == "exempt" and status.prospective_review is False


def test_a_compound_is_never_exempt_even_with_exempt_ingredients(formulary) -> None:
    assert _row(formulary, "gabapentin").status == "exempt"
    status = assess(formulary, "gabapentin cream", ["gabapentin"], ON, compounded=True)
    assert status.status == "non_exempt" and status.prospective_review is True
    assert status.compounded and "9792.27.9" in status.notes[0]
    assert "gabapentin: exempt" in status.notes[0]


def test_a_combination_not_listed_as_such_is_unlisted(formulary) -> None:
    assert _row(formulary, "ibuprofen").status == "exempt"
    assert _row(formulary, "acetaminophen").status == "exempt"
    status = assess(formulary, "x", ["ibuprofen", "acetaminophen"], ON)
    assert status.status == "unlisted" and status.prospective_review is True
    assert "combination" in status.notes[0]
    # a listed combination is found whatever the order of its ingredients
    assert assess(formulary, "x", ["acetaminophen", "hydrocodone"], ON).status == "non_exempt"


def test_an_unknown_drug_is_unlisted_with_a_warning(formulary) -> None:
    status = assess(formulary, "zzqx", ["zzqx"], ON)
    assert status.status == "unlisted" and status.warnings


def test_a_brand_exempt_drug_with_a_generic_needs_prospective_review(formulary) -> None:
    brand = assess(formulary, "Motrin", ["ibuprofen"], ON, brand=True)
    assert brand.status == "exempt" and brand.prospective_review is True
    assert any("9792.27.7" in note for note in brand.notes)
    single_source = Dispensing(generic_available=False)
    alone = assess(formulary, "X", ["ibuprofen"], ON, brand=True, dispensing=single_source)
    assert alone.prospective_review is False


def test_physician_dispensed_exempt_drug_one_7_day_supply_at_initial_visit(formulary) -> None:
    injury = D(2019, 5, 27)

    def review(visit: dt.date, days: int, initial: bool = True) -> bool | None:
        d = Dispensing(
            injury_date=injury, initial_visit=initial, days_supply=days, physician_dispensed=True
        )
        return assess(formulary, "naproxen", ["naproxen"], visit, dispensing=d).prospective_review

    assert review(D(2019, 6, 3), 7) is False  # day 7 after the injury, 7 days' supply
    assert review(D(2019, 6, 4), 7) is True  # day 8
    assert review(D(2019, 6, 3), 10) is True  # more than one 7-day supply
    assert review(D(2019, 6, 3), 7, initial=False) is True  # a later visit


def test_special_fill_window_is_the_initial_visit_within_7_days(formulary) -> None:
    row = _row(formulary, "hydrocodone/acetaminophen")
    assert row.status == "non_exempt" and row.special_fill_days == 4
    injury = D(2019, 3, 1)

    def fill(visit: dt.date, days: int = 4, initial: bool = True, brand: bool = False):
        d = Dispensing(injury_date=injury, initial_visit=initial, days_supply=days)
        return special_fill(row, visit, d, brand)

    assert fill(D(2019, 3, 1)).eligible  # the day of injury
    assert fill(D(2019, 3, 8)).eligible  # day 7: the day after the injury is day one
    late = fill(D(2019, 3, 9))
    assert not late.eligible and "day 8" in late.reasons[0]
    assert not fill(D(2019, 3, 2), days=5).eligible  # over the 4-day limit
    assert not fill(D(2019, 3, 2), initial=False).eligible
    assert not fill(D(2019, 3, 2), brand=True).eligible  # brand with a generic, unsubstantiated
    # met: no prospective review; missed: review
    met = Dispensing(injury_date=injury, initial_visit=True, days_supply=3)
    status = assess(
        formulary, "Norco", ["hydrocodone", "acetaminophen"], D(2019, 3, 4), dispensing=met
    )
    assert status.prospective_review is False and status.special_fill.eligible


def test_perioperative_fill_window_is_4_days_either_side_of_surgery(formulary) -> None:
    row = _row(formulary, "oxycodone/acetaminophen")
    assert row.perioperative_fill_days == 4
    surgery = D(2019, 4, 10)

    def fill(on: dt.date, days: int = 4):
        return perioperative_fill(row, on, Dispensing(surgery_date=surgery, days_supply=days))

    assert fill(D(2019, 4, 6)).eligible  # 4 days before
    assert fill(D(2019, 4, 14)).eligible  # 4 days after
    assert not fill(D(2019, 4, 5)).eligible
    assert not fill(D(2019, 4, 15)).eligible
    assert not fill(D(2019, 4, 10), days=6).eligible
    assert perioperative_fill(_row(formulary, "methadone"), surgery, Dispensing()) is None


def test_only_non_exempt_drugs_carry_fill_flags(formulary) -> None:
    flagged = [r for r in formulary.rows if r.special_fill_days or r.perioperative_fill_days]
    assert flagged and all(r.status == "non_exempt" for r in flagged)


def test_dosage_form_picks_the_row(formulary) -> None:
    assert assess(formulary, "x", ["diclofenac"], ON, form="oral").status == "exempt"
    assert assess(formulary, "x", ["diclofenac"], ON, form="topical").status == "non_exempt"
    unknown_form = assess(formulary, "x", ["diclofenac"], ON)
    assert unknown_form.status == "non_exempt" and "differs by dosage form" in unknown_form.notes[0]


def test_guideline_rows_drug_lists_agree_with_the_table(formulary) -> None:
    """formulary_2018.yaml's citable rows must not contradict the drug list table."""
    kb = load_knowledge_base()
    expect = {
        "non_exempt_opioids": lambda row: row.status == "non_exempt",
        "special_fill": lambda row: row.special_fill_days is not None,
        "exempt_nsaids": lambda row: row.status == "exempt",
    }
    checked = 0
    for rec in kb.rows:
        if not rec.id.startswith("mtus_formulary"):
            continue
        agrees = expect[rec.id.split(".", 1)[1]]
        for drug in rec.treatments.drugs:
            rows = rows_for(formulary, drug.split("/"), rec.effective_from)
            assert rows, f"{rec.id}: {drug} is not in formulary.yaml"
            assert all(agrees(row) for row in rows), f"{rec.id}: {drug} contradicts formulary.yaml"
            checked += 1
    assert checked >= 10


def test_bad_rows_fail_at_load_naming_file_and_row(tmp_path: Path) -> None:
    for name in ("formulary_versions.yaml", "formulary_topics.yaml"):
        (tmp_path / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), "utf-8")
    bad = """table: formulary
version: 1
provenance: {source: test}
rows:
  - {ingredient: ibuprofen, status: exempt, special_fill_days: 4, topics: [cp], source: x}
"""
    (tmp_path / "formulary.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"formulary.yaml: rows.0 \(ibuprofen\)"):
        load_formulary.__wrapped__(tmp_path)
    (tmp_path / "formulary.yaml").write_text(
        bad.replace("special_fill_days: 4, ", "listed_in: v.4, "), encoding="utf-8"
    )
    with pytest.raises(KnowledgeBaseError, match="listed_in 'v.4' is not a dated version"):
        load_formulary.__wrapped__(tmp_path)
    (tmp_path / "formulary.yaml").write_text(
        bad.replace("special_fill_days: 4, ", "").replace("[cp]", "[spleen]"), encoding="utf-8"
    )
    with pytest.raises(
        KnowledgeBaseError, match=r"\(ibuprofen\): unknown topic codes \['spleen'\]"
    ):
        load_formulary.__wrapped__(tmp_path)
