"""The overturn likelihood: the chance a reviewer overturns the UR decision, read off the trace.

A small logistic model whose terms and coefficients are data (`knowledge/data/overturn_model.yaml`,
fitted by `benchmarks/fit_overturn_likelihood.py`). Every term is a general property of the trace
(the draft outcome, how many required criteria were met / not met / not documented, the search
level reached, a partial authorisation, the request's category group), never a guideline row, the
letter's outcome or its reviewer's text, so the same terms mean the same on an unseen letter.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator

from openimr.domain.determination import CriterionStatus, ItemDetermination
from openimr.domain.request import Category
from openimr.knowledge.tables import Row, Table, load_table

TermKind = Literal[
    "intercept",
    "draft_overturned",
    "required_count",
    "no_guideline",
    "level_not_mtus",
    "partial_authorization",
    "category_in",
]


class ModelTerm(Row):
    """One term of the model: a feature of the trace and its coefficient (log-odds per unit)."""

    id: str
    kind: TermKind
    coefficient: float
    status: CriterionStatus | None = None  # required_count: which status is counted
    cap: int | None = None  # required_count: counts above this add nothing more
    categories: list[Category] | None = None  # category_in: the group's request categories
    description: str = ""

    @model_validator(mode="after")
    def _params_fit_kind(self) -> ModelTerm:
        if self.kind == "required_count" and (self.status is None or self.cap is None):
            raise ValueError("required_count needs status and cap")
        if self.kind == "category_in" and not self.categories:
            raise ValueError("category_in needs categories")
        if self.cap is not None and self.cap < 1:
            raise ValueError("cap must be at least 1")
        return self


def _required_count(item: ItemDetermination, term: ModelTerm) -> float:
    count = sum(1 for c in item.criteria if c.required and c.status == term.status)
    return float(min(count, term.cap or count))


FEATURES: dict[str, Callable[[ItemDetermination, ModelTerm], float]] = {
    "intercept": lambda item, term: 1.0,
    "draft_overturned": lambda item, term: float(item.outcome == "Overturned"),
    "required_count": _required_count,
    "no_guideline": lambda item, term: float(not item.citations),
    "level_not_mtus": lambda item, term: float(
        bool(item.citations) and item.citations[0].level != "mtus"
    ),
    "partial_authorization": lambda item, term: float(
        item.request.partial_authorization is not None
    ),
    "category_in": lambda item, term: float(item.request.category in (term.categories or [])),
}


def _check_model(table: Table[ModelTerm]) -> None:
    ids = [t.id for t in table.rows]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ValueError(f"term id {duplicate!r} appears twice")
    if sum(t.kind == "intercept" for t in table.rows) != 1:
        raise ValueError("exactly one intercept term is needed")
    grouped: dict[str, str] = {}
    for term in table.rows:
        for category in term.categories or []:
            if category in grouped:
                raise ValueError(
                    f"category {category!r} is in both {grouped[category]} and {term.id}"
                )
            grouped[category] = term.id


def load_model(path: Path | None = None) -> Table[ModelTerm]:
    return load_table("overturn_model", ModelTerm, path=path, check=_check_model)


@lru_cache(maxsize=1)
def default_model() -> Table[ModelTerm]:
    return load_model()


def features(item: ItemDetermination, terms: list[ModelTerm]) -> list[float]:
    """The value of each term's feature for this item, in the terms' order."""
    return [FEATURES[t.kind](item, t) for t in terms]


def overturn_likelihood(item: ItemDetermination, model: Table[ModelTerm] | None = None) -> float:
    """The modelled probability, in [0, 1], that a reviewer overturns the UR decision."""
    terms = (model or default_model()).rows
    z = sum(t.coefficient * x for t, x in zip(terms, features(item, terms), strict=True))
    # the two branches keep exp() from overflowing for a large |z|
    p = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    return round(p, 4)


def with_overturn_likelihood(
    item: ItemDetermination, model: Table[ModelTerm] | None = None
) -> ItemDetermination:
    return item.model_copy(update={"overturn_likelihood": overturn_likelihood(item, model)})


class FittedLetter(Row):
    """A letter the model was fitted on: used only to label figures on it as in-sample."""

    case_number: str


def fitted_letters(path: Path | None = None) -> frozenset[str]:
    table = load_table("overturn_model_letters", FittedLetter, path=path)
    return frozenset(row.case_number for row in table.rows)
