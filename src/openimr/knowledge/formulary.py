"""The MTUS Drug Formulary (8 CCR 9792.27.1-9792.27.23) as data and pure rules.

Data: `data/formulary.yaml` (the MTUS Drug List, one row per ingredient or listed combination)
and `data/formulary_versions.yaml` (list versions and their effective dates), both read with
`tables.load_table`. Rules (facts B.1a [V]; our own summaries of the regulation):

- The formulary applies to drugs dispensed on or after 2018-01-01, for every date of injury.
- Exempt drugs need no prospective review when prescribed in accord with the MTUS; Non-Exempt
  and unlisted drugs need it. A combination not on the list as such is unlisted even when each
  ingredient is listed (9792.27.1).
- A compounded drug is never exempt, even with an exempt ingredient (9792.27.9).
- A brand-name exempt drug needs prospective review when a generic exists (9792.27.7).
- A physician-dispensed exempt drug is exempt only for one supply of up to 7 days at the initial
  visit within 7 days of the injury (9792.27.8).
- Special Fill (9792.27.12): a flagged Non-Exempt drug at the single initial visit within 7 days
  of the injury (the day after the injury is day one), supply within the list's day limit.
- Perioperative Fill (9792.27.13): a flagged Non-Exempt drug from 4 days before to 4 days after
  surgery (the day of surgery is day zero), supply within the list's day limit.
- For both fills the drug is a generic or single-source brand, or a brand whose need the
  physician documents and substantiates.

The formulary decides only whether prospective review is needed, never medical necessity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from openimr.domain.formulary import FillFlag, FormularyStatus
from openimr.errors import KnowledgeBaseError
from openimr.knowledge.tables import DATA_DIR, Provenance, Row, Table, load_table

FORMULARY_START = dt.date(2018, 1, 1)  # 9792.27.2: drugs dispensed on or after this date
INITIAL_VISIT_DAYS = 7  # 9792.27.8 / .12: initial visit within 7 days of the injury
PHYSICIAN_DISPENSED_SUPPLY_DAYS = 7  # 9792.27.8: one supply of up to 7 days
PERIOPERATIVE_DAYS = 4  # 9792.27.13: 4 days before through 4 days after surgery


Form = Literal[
    "oral", "topical", "transdermal", "sublingual", "ophthalmic", "inhaled", "injectable", "nasal"
]
# A request's route is matched to a row's form; a patch may be listed as topical or transdermal.
_FORM_FAMILY: dict[str, frozenset[str]] = {
    "topical": frozenset({"topical", "transdermal"}),
    "transdermal": frozenset({"topical", "transdermal"}),
}


class ListVersion(Row):
    id: str = Field(pattern=r"^v\.\d+(\.\d+)?$")
    effective: dt.date | None  # None: the version is known to exist but its date was not found
    verified: bool = False
    source: str = Field(min_length=1)


class DrugRow(Row):
    """One MTUS Drug List row. Fill day limits are absent when the list does not flag the drug."""

    ingredient: str = Field(min_length=1)  # generic, lower case; a combination joined by "/"
    form: Form | None = None
    status: Literal["exempt", "non_exempt"]
    special_fill_days: int | None = Field(default=None, ge=1)
    perioperative_fill_days: int | None = Field(default=None, ge=1)
    topics: list[str] = Field(min_length=1)
    listed_in: str = "v.1"
    verified: bool = False
    source: str = Field(min_length=1)
    note: str | None = None

    @field_validator("ingredient")
    @classmethod
    def _lower(cls, value: str) -> str:
        if value != value.strip().lower() or "//" in value or value.startswith("/"):
            raise ValueError("ingredient must be lower case, names joined by a single '/'")
        return value

    @model_validator(mode="after")
    def _fills_only_non_exempt(self) -> DrugRow:
        # 9792.27.12/.13 apply only to Non-Exempt drugs: an exempt drug needs no fill rule
        if self.status == "exempt" and (self.special_fill_days or self.perioperative_fill_days):
            raise ValueError("only a non_exempt drug can carry a fill flag")
        return self

    @property
    def ingredients(self) -> frozenset[str]:
        return frozenset(self.ingredient.split("/"))


class GuidelineTopic(Row):
    """An ACOEM guideline topic the list's "Reference in ACOEM Guidelines" column names."""

    code: str = Field(pattern=r"^[a-z]+$")
    title: str = Field(min_length=1)


class Formulary(BaseModel):
    """The tables, checked against each other."""

    model_config = ConfigDict(frozen=True)

    rows: tuple[DrugRow, ...]
    versions: tuple[ListVersion, ...]  # dated ones in effective order, then undated
    provenance: Provenance
    files: tuple[str, ...]
    topics: dict[str, str]  # code -> title

    def version(self, version_id: str) -> ListVersion:
        return next(v for v in self.versions if v.id == version_id)

    def topic_names(self, row: DrugRow) -> list[str]:
        return [self.topics[code] for code in row.topics]


class Dispensing(BaseModel):
    """What is known of a prescription beyond the drug: every field optional, unknown = None."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    injury_date: dt.date | None = None
    initial_visit: bool | None = None  # the single initial treatment visit after the injury
    surgery_date: dt.date | None = None
    days_supply: int | None = Field(default=None, ge=0)
    physician_dispensed: bool = False
    generic_available: bool = True  # for a brand: assumed unless told otherwise
    brand_substantiated: bool = False  # the physician documents why the brand is needed


def _check_unique(table: Table[DrugRow]) -> None:
    seen: dict[tuple[frozenset[str], str | None], int] = {}
    for index, row in enumerate(table.rows):
        key = (row.ingredients, row.form)
        if key in seen:
            raise ValueError(
                f"rows.{index} ({row.ingredient}): listed twice (also rows.{seen[key]})"
                + (f" for form {row.form}" if row.form else "")
            )
        seen[key] = index


def _check_versions(table: Table[ListVersion]) -> None:
    ids = [v.id for v in table.rows]
    if len(set(ids)) != len(ids):
        raise ValueError("a version id is listed twice")
    dated = [v.effective for v in table.rows if v.effective is not None]
    if dated != sorted(dated) or (dated and dated[0] != FORMULARY_START):
        raise ValueError(f"dated versions must be in order and the first must be {FORMULARY_START}")


@cache
def load_formulary(data_dir: Path = DATA_DIR) -> Formulary:
    """The drug list and its versions, validated; every row's `listed_in` names a dated version."""
    drugs = load_table("formulary", DrugRow, path=data_dir / "formulary.yaml", check=_check_unique)
    versions = load_table(
        "formulary_versions",
        ListVersion,
        path=data_dir / "formulary_versions.yaml",
        check=_check_versions,
    )
    topics = load_table("formulary_topics", GuidelineTopic, path=data_dir / "formulary_topics.yaml")
    codes = {topic.code: topic.title for topic in topics.rows}
    dated = {v.id for v in versions.rows if v.effective is not None}
    for index, row in enumerate(drugs.rows):
        if row.listed_in not in dated:
            raise KnowledgeBaseError(
                f"{drugs.file}: rows.{index} ({row.ingredient}): listed_in {row.listed_in!r} "
                f"is not a dated version in {versions.file}"
            )
        unknown = [code for code in row.topics if code not in codes]
        if unknown:
            raise KnowledgeBaseError(
                f"{drugs.file}: rows.{index} ({row.ingredient}): unknown topic codes {unknown} "
                f"(known: {sorted(codes)}, in {topics.file})"
            )
    ordered = sorted(versions.rows, key=lambda v: (v.effective is None, v.effective or dt.date.min))
    return Formulary(
        rows=tuple(drugs.rows),
        versions=tuple(ordered),
        provenance=drugs.provenance,
        files=(drugs.file, versions.file, topics.file),
        topics=codes,
    )


def version_on(formulary: Formulary, on: dt.date) -> ListVersion | None:
    """The list version in force on a date (None before the formulary began)."""
    in_force = [v for v in formulary.versions if v.effective is not None and v.effective <= on]
    return in_force[-1] if in_force else None


def listed_on(formulary: Formulary, row: DrugRow, on: dt.date) -> bool:
    effective = formulary.version(row.listed_in).effective
    return effective is not None and effective <= on


def rows_for(
    formulary: Formulary, ingredients: Iterable[str], on: dt.date, form: str | None = None
) -> list[DrugRow]:
    """Rows listing exactly this ingredient set on the date; with a form, the rows of that form
    (or of no form) when there are any."""
    wanted = frozenset(ingredients)
    rows = [r for r in formulary.rows if r.ingredients == wanted and listed_on(formulary, r, on)]
    if form is None or len(rows) <= 1:
        return rows
    for fits in (
        lambda r: r.form == form,
        lambda r: r.form is None,
        lambda r: r.form in _FORM_FAMILY.get(form, frozenset()),
    ):
        chosen = [r for r in rows if fits(r)]
        if chosen:
            return chosen
    return rows


def _day_after_injury(on: dt.date, injury: dt.date | None) -> int | None:
    """Days since the injury; the day after the injury is day one (9792.27.12(c))."""
    return None if injury is None else (on - injury).days


def _brand_reasons(brand: bool, d: Dispensing) -> list[str]:
    if brand and d.generic_available and not d.brand_substantiated:
        return ["a brand with a generic available, and no documented need for the brand"]
    return []


def _supply_reasons(limit: int, d: Dispensing) -> list[str]:
    if d.days_supply is None:
        return [f"the days' supply is not stated (limit {limit} days)"]
    if d.days_supply > limit:
        return [f"a {d.days_supply}-day supply exceeds the {limit}-day limit"]
    return []


def _initial_visit_reasons(on: dt.date, d: Dispensing) -> list[str]:
    reasons = []
    if d.initial_visit is not True:
        reasons.append(
            "not the single initial visit after the injury"
            if d.initial_visit is False
            else "not documented as the initial visit after the injury"
        )
    day = _day_after_injury(on, d.injury_date)
    if day is None:
        reasons.append("the date of injury is not known")
    elif not 0 <= day <= INITIAL_VISIT_DAYS:
        reasons.append(f"day {day} after the injury, outside the first {INITIAL_VISIT_DAYS} days")
    return reasons


def special_fill(row: DrugRow, on: dt.date, d: Dispensing, brand: bool = False) -> FillFlag | None:
    """9792.27.12: None when the row is not flagged; else the flag with its eligibility."""
    if row.special_fill_days is None:
        return None
    reasons = (
        _initial_visit_reasons(on, d)
        + _supply_reasons(row.special_fill_days, d)
        + _brand_reasons(brand, d)
    )
    return FillFlag(days=row.special_fill_days, eligible=not reasons, reasons=reasons)


def perioperative_fill(
    row: DrugRow, on: dt.date, d: Dispensing, brand: bool = False
) -> FillFlag | None:
    """9792.27.13: None when the row is not flagged; else the flag with its eligibility."""
    if row.perioperative_fill_days is None:
        return None
    reasons = []
    if d.surgery_date is None:
        reasons.append("no surgery date")
    else:
        day = (on - d.surgery_date).days  # the day of surgery is day zero
        if not -PERIOPERATIVE_DAYS <= day <= PERIOPERATIVE_DAYS:
            reasons.append(
                f"day {day:+d} from surgery, outside {PERIOPERATIVE_DAYS} days before to "
                f"{PERIOPERATIVE_DAYS} days after"
            )
    reasons += _supply_reasons(row.perioperative_fill_days, d) + _brand_reasons(brand, d)
    return FillFlag(days=row.perioperative_fill_days, eligible=not reasons, reasons=reasons)


def physician_dispensed_reasons(on: dt.date, d: Dispensing) -> list[str]:
    """9792.27.8: why a physician-dispensed exempt drug still needs prospective review ([] = it
    does not: one supply of up to 7 days at the initial visit within 7 days of the injury)."""
    return _initial_visit_reasons(on, d) + _supply_reasons(PHYSICIAN_DISPENSED_SUPPLY_DAYS, d)


def _flag(days: int | None) -> FillFlag | None:
    return FillFlag(days=days) if days is not None else None


def _pick(rows: Sequence[DrugRow]) -> tuple[DrugRow, list[str]]:
    """One row for a status; when forms disagree and the form is not known, the stricter one."""
    if len({r.status for r in rows}) <= 1:
        return rows[0], []
    strict = next(r for r in rows if r.status == "non_exempt")
    forms = ", ".join(f"{r.form or 'any form'}: {r.status}" for r in rows)
    return strict, [f"status differs by dosage form ({forms}); the stricter applies"]


def assess(
    formulary: Formulary,
    drug: str,
    ingredients: Sequence[str],
    on: dt.date,
    *,
    form: str | None = None,
    compounded: bool = False,
    brand: bool = False,
    dispensing: Dispensing | None = None,
) -> FormularyStatus:
    """The formulary status of a drug (its generic ingredients) dispensed on a date."""
    ingredients = list(dict.fromkeys(i.strip().lower() for i in ingredients if i.strip()))
    base = {"drug": drug, "ingredients": ingredients, "date": on.isoformat(), "brand": brand}
    if on < FORMULARY_START:
        return FormularyStatus(
            **base,
            in_force=False,
            compounded=compounded,
            notes=[
                f"The MTUS Drug Formulary was not in force on {on.isoformat()}: it applies to "
                f"drugs dispensed on or after {FORMULARY_START.isoformat()} (8 CCR 9792.27.2)."
            ],
        )
    version = version_on(formulary, on)
    assert version is not None  # the first dated version is FORMULARY_START (checked at load)
    base |= {"in_force": True, "version": version.id, "version_effective": str(version.effective)}
    notes: list[str] = []
    if compounded:
        parts = []
        for name in ingredients:
            found = rows_for(formulary, [name], on, form)
            parts.append(f"{name}: {_pick(found)[0].status if found else 'unlisted'}")
        detail = f" (ingredients: {'; '.join(parts)})" if parts else ""
        return FormularyStatus(
            **base,
            status="non_exempt",
            prospective_review=True,
            compounded=True,
            source="8 CCR 9792.27.9",
            notes=[
                "A compounded drug is never exempt, even when an ingredient is exempt: it needs "
                f"authorization through prospective review (8 CCR 9792.27.9){detail}."
            ],
        )
    if not ingredients:
        return FormularyStatus(
            **base,
            status="unlisted",
            prospective_review=True,
            source=_UNLISTED,
            warnings=[f"no drug recognised in {drug!r}: treated as unlisted"],
        )
    rows = rows_for(formulary, ingredients, on, form)
    if not rows:
        return _unlisted(formulary, base, ingredients, on)
    row, notes = _pick(rows)
    d = dispensing or Dispensing()
    status = FormularyStatus(
        **base,
        status=row.status,
        guideline_topics=formulary.topic_names(row),
        source=row.source,
        verified=row.verified,
        special_fill=_flag(row.special_fill_days),
        perioperative_fill=_flag(row.perioperative_fill_days),
        notes=notes + ([row.note] if row.note else []),
    )
    return _review(status, row, on, d, brand, dispensing is not None)


_UNLISTED = "not on the MTUS Drug List as held in formulary.yaml (8 CCR 9792.27.1: unlisted drug)"


def _unlisted(
    formulary: Formulary, base: dict, ingredients: list[str], on: dt.date
) -> FormularyStatus:
    if len(ingredients) > 1:
        listed = [i for i in ingredients if rows_for(formulary, [i], on)]
        note = (
            "A combination not on the MTUS Drug List as such is unlisted, even when its "
            f"ingredients are listed (listed alone: {', '.join(listed) or 'none'}); it needs "
            "prospective review (8 CCR 9792.27.1)."
        )
        return FormularyStatus(
            **base, status="unlisted", prospective_review=True, source=_UNLISTED, notes=[note]
        )
    return FormularyStatus(
        **base,
        status="unlisted",
        prospective_review=True,
        source=_UNLISTED,
        notes=["An unlisted drug needs prospective review."],
        warnings=[
            f"{ingredients[0]!r} is not in openimr's drug list table (recalled, not checked "
            "against DWC's list): check the MTUS Drug List before relying on 'unlisted'"
        ],
    )


def _review(
    status: FormularyStatus, row: DrugRow, on: dt.date, d: Dispensing, brand: bool, known: bool
) -> FormularyStatus:
    """Whether prospective review is needed, from the status and, when given, the dispensing."""
    notes = list(status.notes)
    if row.status == "exempt":
        reasons = _brand_reasons(brand, d)
        if reasons:
            notes.append(
                "A brand-name exempt drug needs prospective review when a generic exists "
                "(8 CCR 9792.27.7)."
            )
        if d.physician_dispensed:
            dispensed = physician_dispensed_reasons(on, d)
            if dispensed:
                notes.append(
                    "A physician-dispensed exempt drug is exempt only for one supply of up to "
                    f"{PHYSICIAN_DISPENSED_SUPPLY_DAYS} days at the initial visit within "
                    f"{INITIAL_VISIT_DAYS} days of the injury (8 CCR 9792.27.8): "
                    + "; ".join(dispensed)
                    + "."
                )
            reasons += dispensed
        notes.append("Exempt only when prescribed in accord with the MTUS guidelines.")
        return status.model_copy(update={"prospective_review": bool(reasons), "notes": notes})
    if not known:
        if row.special_fill_days or row.perioperative_fill_days:
            notes.append(
                "Needs prospective review unless the Special Fill or Perioperative Fill "
                "conditions are met (8 CCR 9792.27.12, 9792.27.13)."
            )
        return status.model_copy(update={"prospective_review": True, "notes": notes})
    special = special_fill(row, on, d, brand)
    periop = perioperative_fill(row, on, d, brand)
    fills = [f for f in (special, periop) if f is not None]
    return status.model_copy(
        update={
            "special_fill": special,
            "perioperative_fill": periop,
            "prospective_review": not any(f.eligible for f in fills),
            "notes": notes,
        }
    )


def formulary_rows(formulary: Formulary) -> list[dict]:
    """Every row as plain data (with its topic names and the effective date of its version)."""
    return [
        {
            **row.model_dump(mode="json"),
            "guideline_topics": formulary.topic_names(row),
            "listed_from": str(formulary.version(row.listed_in).effective),
        }
        for row in formulary.rows
    ]
