"""`openimr evaluate DIR`: blind each letter, re-decide it, compare with the real reviewer.

Citation agreement (the rule, also in the README): an item counts when the reviewer's guideline
line names at least one guideline (items citing no medical evidence are left out). We agree when
one (document, section) pair the reviewer cited names the recommendation we applied, under the
matching rule of `openimr.guidelines.citations` (same document whatever the edition year, e.g.
CPMTG 2009 = 2016; same normalized section name or a known alias; a numbered section covers its
subsections; a citation naming no section matches the whole document).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from tqdm import tqdm

from openimr.domain.determination import ItemDetermination
from openimr.engine.likelihood import default_model, fitted_letters
from openimr.errors import OpenIMRError
from openimr.evaluation.metrics import (
    Confusion,
    agreement_metrics,
    confusion,
    likelihood_metrics,
)
from openimr.evaluation.redecide import decide_blinded_text, letter_files, letter_text
from openimr.guidelines import load_knowledge_base, parse_citations
from openimr.letters.parse import parse_text


class ItemComparison(BaseModel):
    file: str
    case_number: str | None
    treatment: str
    truth: str
    ours: str
    category: str | None = None  # the request parser's category of the item
    reviewer_guideline: str | None
    our_guideline: str | None
    citation_match: bool | None  # None when the reviewer cited no guideline
    document_match: bool | None = None  # the same guideline document, whatever the section
    confidence: float
    overturn_likelihood: float | None = None
    gaps: list[str] = Field(default_factory=list)
    cause: str | None = (
        None  # for a disagreement: parser, missing_guideline_row, fact_not_extracted, criterion_judgment
    )


class EvaluationReport(BaseModel):
    metrics: dict[
        str, float | int | None
    ]  # None: undefined on this sample (e.g. kappa with one class)
    confusion: Confusion
    items: list[ItemComparison]
    skipped: list[str] = Field(
        default_factory=list
    )  # letters that could not be parsed, with reason
    by_category: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    # AUC, Brier and calibration of the overturn likelihood, with `sample` saying whether the
    # model was fitted on these letters and `out_of_fold` its cross-validated figures on its own
    likelihood: dict[str, Any] = Field(default_factory=dict)

    def disagreements(self) -> list[ItemComparison]:
        return [i for i in self.items if i.truth != i.ours]

    def citation_misses(self) -> list[ItemComparison]:
        """Items whose reviewer cited a guideline other than the recommendation we applied (or
        for which we found no recommendation at all: `our_guideline` None)."""
        return [i for i in self.items if i.citation_match is False]


def disagreement_cause(truth: str, ours: ItemDetermination) -> str | None:
    """Why we differ from the reviewer, read off our own trace (a first sort, not a verdict).

    parser: the item text was not understood; missing_guideline_row: no recommendation found;
    fact_not_extracted: we upheld only for want of documentation the reviewer evidently found;
    criterion_judgment: the criteria were decided on documented facts and we weighed them otherwise.
    """
    if truth == ours.outcome:
        return None
    if ours.request.category == "other" or ours.request.confidence < 0.5:
        return "parser"
    if not ours.citations:
        return "missing_guideline_row"
    failing = [c for c in ours.criteria if c.required and c.status in ("not_met", "not_documented")]
    if ours.outcome == "Upheld" and failing and all(c.status == "not_documented" for c in failing):
        return "fact_not_extracted"
    return "criterion_judgment"


def citation_agrees(
    reviewer_text: str | None, ours: ItemDetermination, kb: Any, whole_document: bool = False
) -> bool | None:
    """True when one (document, section) pair the reviewer cited names the row we applied
    (`whole_document`: when one document the reviewer cited is the row's, whatever the section)."""

    refs = parse_citations(reviewer_text, kb) if reviewer_text else []
    if not refs:
        return None  # the reviewer cited no guideline
    if not ours.citations or not ours.citations[0].recommendation_id:
        return False
    applied = kb.get(ours.citations[0].recommendation_id)
    if whole_document:
        refs = [dataclasses.replace(ref, section_key=None) for ref in refs]
    return any(kb.ref_matches(ref, applied) for ref in refs)


def evaluate_paths(
    paths: Iterable[str | Path], kb: Any = None, progress: bool = False
) -> EvaluationReport:
    kb = kb or load_knowledge_base()
    files = letter_files(paths)
    iterator: Iterable[Path] = files
    if progress:
        iterator = tqdm(files, desc="evaluate", unit="letter")
    comparisons: list[ItemComparison] = []
    skipped: list[str] = []
    for path in iterator:
        try:
            text = letter_text(path)
            truth_letter = parse_text(text, source_name=path.name)
            ours = decide_blinded_text(text, path.name, kb)
        except OpenIMRError as exc:
            skipped.append(f"{path.name}: {exc}")
            continue
        truth_items = [i for i in truth_letter.items if i.decision in ("Upheld", "Overturned")]
        if len(truth_items) != len(ours):
            skipped.append(
                f"{path.name}: {len(truth_items)} decided items but {len(ours)} re-decided"
            )
            continue
        for truth, mine in zip(truth_items, ours, strict=True):
            comparisons.append(
                ItemComparison(
                    file=path.name,
                    case_number=truth_letter.case_number,
                    treatment=truth.treatment,
                    truth=truth.decision,
                    ours=mine.outcome,
                    category=mine.request.category,
                    reviewer_guideline=truth.maximus_guideline,
                    our_guideline=mine.citations[0].text() if mine.citations else None,
                    citation_match=citation_agrees(truth.maximus_guideline, mine, kb),
                    document_match=citation_agrees(
                        truth.maximus_guideline, mine, kb, whole_document=True
                    ),
                    confidence=mine.confidence,
                    overturn_likelihood=mine.overturn_likelihood,
                    gaps=mine.gaps,
                    cause=disagreement_cause(truth.decision, mine),
                )
            )
    metrics = agreement_metrics([c.truth for c in comparisons], [c.ours for c in comparisons])
    cited = [c for c in comparisons if c.citation_match is not None]
    metrics["citation_agreement"] = _share(cited, "citation_match")
    metrics["citation_document_agreement"] = _share(cited, "document_match")
    metrics["citation_items"] = len(cited)
    metrics["letters"] = len(files) - len(skipped)
    return EvaluationReport(
        metrics=metrics,
        confusion=confusion([c.truth for c in comparisons], [c.ours for c in comparisons]),
        items=comparisons,
        skipped=skipped,
        by_category=category_breakdown(comparisons),
        likelihood=likelihood_report(comparisons),
    )


def likelihood_report(comparisons: list[ItemComparison]) -> dict[str, Any]:
    """The likelihood's figures on these items, labelled in-sample when the model was fitted on
    these letters (its figures there flatter it; the model file's out-of-fold ones do not)."""
    scored = [c for c in comparisons if c.overturn_likelihood is not None]
    report: dict[str, Any] = likelihood_metrics(
        [c.truth == "Overturned" for c in scored], [c.overturn_likelihood or 0.0 for c in scored]
    )
    letters = {c.case_number or c.file for c in scored}
    fitted = letters & fitted_letters()
    if letters and fitted == letters:
        report["sample"] = "in-sample"
    elif fitted:
        report["sample"] = f"partly in-sample ({len(fitted)} of {len(letters)} letters)"
    else:
        report["sample"] = "out-of-sample"
    report["out_of_fold"] = default_model().provenance.note
    return report


def _share(cited: list[ItemComparison], field: str) -> float | None:
    """The share of cited items whose `field` is true; None when no item was cited."""
    return round(sum(bool(getattr(c, field)) for c in cited) / len(cited), 4) if cited else None


def category_breakdown(
    comparisons: list[ItemComparison],
) -> dict[str, dict[str, float | int | None]]:
    """Per request category: items, overturns (reviewer / ours), accuracy, overturn recall and
    citation agreement, so a weak category shows (largest categories first)."""
    groups: dict[str, list[ItemComparison]] = {}
    for c in comparisons:
        groups.setdefault(c.category or "unknown", []).append(c)
    table: dict[str, dict[str, float | int | None]] = {}
    for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        figures = agreement_metrics([c.truth for c in items], [c.ours for c in items])
        table[name] = {
            "items": len(items),
            "reviewer_overturned": sum(c.truth == "Overturned" for c in items),
            "openimr_overturned": sum(c.ours == "Overturned" for c in items),
            "accuracy": figures["accuracy"],
            "overturn_recall": figures["overturn_recall"],
            "citation_agreement": _share(
                [c for c in items if c.citation_match is not None], "citation_match"
            ),
        }
    return table
