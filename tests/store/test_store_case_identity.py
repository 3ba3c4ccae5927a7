"""A draft made from a different case file is never filed under a stored case's number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openimr.engine.pipeline import decide_case
from openimr.intake import load_case
from openimr.store import open_store

SEED = Path(__file__).resolve().parents[2] / "examples" / "cases" / "massage-right-wrist.yaml"


def test_changed_case_file_does_not_replace_the_stored_draft(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'cases.db'}")
    try:
        case = load_case(SEED)
        first = decide_case(case, today=dt.date(2015, 2, 2))
        store.record_decision(case, first, actor="test")
        item = case.disputed_items[0].model_copy(
            update={"text": "Massage therapy 1 time a week for 4 weeks"}
        )
        changed = case.model_copy(update={"disputed_items": [item]})
        second = decide_case(changed, today=dt.date(2015, 2, 2))
        store.record_decision(changed, second, actor="test")
        assert store.audit_entries(case_number=case.case_number)[-1].action == "draft_not_stored"
        stored = store.get_case(case.case_number, actor="test")
        assert stored.case.disputed_items[0].text == case.disputed_items[0].text
        assert stored.determination is not None
        assert stored.determination.items[0].treatment == first.items[0].treatment
        store.record_decision(case, first, actor="test")  # the same case again is stored as usual
        assert store.audit_entries(case_number=case.case_number)[-1].action == "save_draft"
    finally:
        store.close()
