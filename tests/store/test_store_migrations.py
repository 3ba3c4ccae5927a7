"""A store created by an older openimr is upgraded in place, its data and audit chain intact."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from store_testkit import make_case

from openimr.store import open_store
from openimr.store.db import MIGRATIONS_DIR, make_engine, normalize_url


def _write_first_schema_case(engine: sa.Engine) -> None:
    """Rows as revision 0001 wrote them (its columns only)."""
    case = make_case(items=2)
    now = dt.datetime(2015, 1, 10, tzinfo=dt.UTC)
    cases = sa.table(
        "cases",
        sa.column("case_json", sa.JSON),
        *(
            sa.column(c)
            for c in (
                "id",
                "case_number",
                "state",
                "priority",
                "application_received",
                "created_at",
                "updated_at",
                "version",
            )
        ),
    )
    records = sa.table(
        "records",
        *(sa.column(c) for c in ("case_id", "record_id", "type", "date", "author", "text")),
    )
    items = sa.table("disputed_items", *(sa.column(c) for c in ("case_id", "item_id", "text")))
    with engine.begin() as conn:
        case_id = conn.execute(
            cases.insert()
            .returning(cases.c.id)
            .values(
                case_number=case.case_number,
                state="eligible",
                priority="regular",
                case_json=case.model_dump(mode="json"),
                application_received=case.application_received,
                created_at=now,
                updated_at=now,
                version=2,
            )
        ).scalar_one()
        for r in case.records:
            conn.execute(
                records.insert().values(
                    case_id=case_id,
                    record_id=r.id,
                    type=r.type,
                    date=r.date,
                    author=r.author,
                    text=r.text,
                )
            )
        for i in case.disputed_items:
            conn.execute(items.insert().values(case_id=case_id, item_id=i.id, text=i.text))


def test_upgrade_from_the_first_schema(store_url: str) -> None:
    engine = make_engine(normalize_url(store_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    _write_first_schema_case(engine)
    engine.dispose()

    upgraded = open_store(store_url)
    with upgraded.engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == ScriptDirectory.from_config(config).get_current_head()  # the newest
        assert conn.execute(sa.text("SELECT count(*) FROM records")).scalar_one() == 2
    stored = upgraded.get_case("CM15-0012345", "check")
    assert stored.case == make_case(items=2) and stored.summary.state == "eligible"
    assert stored.summary.items == 2
    # the UR decision date was backfilled: a later copy of the application finds the original
    upgraded.add_case(make_case("CM15-0000009"), "intake")
    found = upgraded.possible_duplicates("CM15-0000009", "intake")
    assert [c.case_number for c in found] == ["CM15-0012345"]
    assert upgraded.verify_audit_log().ok
    upgraded.close()
