"""The drafted summary says each thing once and carries every finding a decision rests on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openimr.domain.common import EvidenceSpan
from openimr.domain.determination import CriterionResult
from openimr.engine.pipeline import decide_case
from openimr.engine.summary import complete_summary
from openimr.intake import load_case

CASE = Path(__file__).resolve().parents[2] / "examples" / "cases" / "massage-right-wrist.yaml"


def test_a_repeated_sentence_is_said_once() -> None:
    case = load_case(CASE)
    text = "Low back pain is unchanged. Unchanged.\n\nGait normal. Unchanged."
    assert (
        complete_summary(text, case, []) == "Low back pain is unchanged. Unchanged.\n\nGait normal."
    )


def test_every_decisive_finding_is_in_the_summary() -> None:
    case = load_case(CASE)
    det = decide_case(case, today=dt.date(2026, 1, 15))
    summary = " ".join(det.clinical_case_summary.split()).lower()
    for item in det.items:
        for result in item.criteria:
            if result.status in ("met", "not_met"):
                for span in result.evidence:
                    words = " ".join(span.text.split()).lower().split(":")[-1].strip(" .")
                    assert words in summary, words


def test_a_finding_the_summary_lacks_is_added_with_its_record() -> None:
    case = load_case(CASE)
    record = case.records[-1]
    det = decide_case(case, today=dt.date(2026, 1, 15))
    span = EvidenceSpan(record_id=record.id, start=0, end=10, text="PLAN: Ice twice daily.")
    item = det.items[0].model_copy(
        update={
            "criteria": [
                CriterionResult(
                    criterion_id="x",
                    description="x",
                    status="met",
                    explanation="x",
                    evidence=[span],
                )
            ]
        }
    )
    text = complete_summary("The worker was seen.", case, [item])
    assert text.endswith(f'{record.date:%m/%d/%Y}: "Ice twice daily."')
