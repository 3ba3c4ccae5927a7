"""Builders shared by the store and API tests (domain objects built directly, no pipeline)."""

from __future__ import annotations

import datetime as dt

from openimr.domain import Case, Determination, ItemDetermination, TreatmentRequest


def make_case(number: str = "CM15-0012345", priority: str = "regular", items: int = 1) -> Case:
    return Case.model_validate(
        {
            "case_number": number,
            "priority": priority,
            "application_received": "2015-01-10",
            "injury": {"date": "2013-05-01", "body_parts": ["wrist"]},
            "ur_decision": {"date": "2015-01-02", "items": [{"treatment": "Massage therapy x6"}]},
            "disputed_items": [
                {"id": str(i + 1), "text": f"Massage therapy 6 sessions (item {i + 1})"}
                for i in range(items)
            ],
            "records": [
                {"id": "r1", "type": "pr2", "date": "2014-12-01", "text": "Right wrist pain 6/10."},
                {"id": "r2", "type": "ur_letter", "date": "2015-01-02", "text": "Non-certified."},
            ],
        }
    )


def make_determination(case: Case, outcome: str = "Upheld") -> Determination:
    return Determination(
        case_number=case.case_number,
        priority=case.priority,
        decision_date=dt.date(2015, 2, 1),
        clinical_case_summary="A worker with wrist pain.",
        engine_version="test",
        items=[
            ItemDetermination(
                item_id=item.id,
                treatment=item.text,
                outcome=outcome,  # type: ignore[arg-type]
                request=TreatmentRequest(text=item.text, category="massage"),
                rationale="Test rationale.",
                confidence=0.8,
            )
            for item in case.disputed_items
        ],
    )


def stand_in_signer(
    det: Determination, code: str, assigned: str | None, when=None
) -> Determination:  # type: ignore[no-untyped-def]
    """The review service's signing, with made-up credentials for the signer."""
    from openimr.domain.reviewer import ReviewerCredentials
    from openimr.review.determination import sign_determination

    signer = ReviewerCredentials(code=code, licensure=["California"], specialty="Test Medicine")
    return sign_determination(det, code, assigned, when, signer)


def advance_to_records_complete(store, number: str, reviewer: str = "R-1") -> None:  # type: ignore[no-untyped-def]
    store.transition(number, "eligible", "intake")
    store.assign(number, reviewer, "admin", on=dt.date(2015, 1, 12))
    store.transition(number, "records_complete", "intake", on=dt.date(2015, 1, 20))


def pg_database_url(base_url: str, worker: str) -> str:
    """One database per xdist worker, emptied before each test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(base_url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)
