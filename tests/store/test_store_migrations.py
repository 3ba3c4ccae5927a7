"""A store created by an older openimr is upgraded in place, its data and audit chain intact."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from store_testkit import make_case

from openimr.store import open_store
from openimr.store.db import MIGRATIONS_DIR, make_engine, normalize_url
from openimr.store.store import Store


def test_upgrade_from_the_first_schema(store_url: str) -> None:
    engine = make_engine(normalize_url(store_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    old = Store(engine)
    old.add_case(make_case(items=2), "intake")
    old.transition("CM15-0012345", "eligible", "intake")
    engine.dispose()

    upgraded = open_store(store_url)
    with upgraded.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0003"
    stored = upgraded.get_case("CM15-0012345", "check")
    assert stored.case == make_case(items=2) and stored.summary.state == "eligible"
    assert stored.summary.items == 2
    assert upgraded.verify_audit_log().ok
    upgraded.add_case(make_case("CM15-0000002"), "intake")  # and it keeps working
    upgraded.close()
