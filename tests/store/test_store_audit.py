"""The audit log: every action and view is logged, the hash chain exposes any tampering."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from store_testkit import advance_to_records_complete, make_case, make_determination

from openimr.cli import main


def _tamper(store, sql: str, params: dict | None = None) -> None:  # type: ignore[type-arg]
    """Edit the log as an attacker with full database rights: drop the guard, then write."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        conn.execute(text(sql), params or {})


def _fill(store) -> str:  # type: ignore[no-untyped-def]
    case = make_case()
    store.add_case(case, "intake:ann")
    advance_to_records_complete(store, case.case_number)
    store.get_case(case.case_number, "reviewer:R-1", reviewer="R-1")
    store.save_determination(make_determination(case), "reviewer:R-1")
    return case.case_number


def test_every_action_and_view_is_logged_with_who_and_what(store) -> None:  # type: ignore[no-untyped-def]
    number = _fill(store)
    entries = store.audit_entries(number)
    assert [(e.actor, e.action) for e in entries] == [
        ("intake:ann", "add_case"),
        ("intake", "transition"),
        ("admin", "assign"),
        ("intake", "transition"),
        ("reviewer:R-1", "view_case"),
        ("reviewer:R-1", "save_draft"),
    ]
    assert entries[2].detail == {"reviewer": "R-1"}
    assert entries[-1].detail["outcomes"] == {"1": "Upheld"}
    assert [e.seq for e in store.audit_entries()] == list(range(1, len(store.audit_entries()) + 1))
    assert store.verify_audit_log().ok


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_database_refuses_edits_and_deletes(store, sql: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import DBAPIError

    _fill(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(sql))
    assert store.verify_audit_log().ok


def test_an_edited_row_is_named(store) -> None:  # type: ignore[no-untyped-def]
    _fill(store)
    _tamper(store, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
    result = store.verify_audit_log()
    assert not result.ok
    assert result.problems[0].seq == 3
    assert "entry 3" in result.summary() and "altered" in result.summary()


def test_a_rehashed_edit_breaks_the_next_link(store) -> None:  # type: ignore[no-untyped-def]
    from openimr.store.audit import entry_hash

    _fill(store)
    with store.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM audit_log WHERE seq = 2")).mappings().one()
    forged = entry_hash(
        2, row["at"], "mallory", row["action"], row["case_number"], row["detail"], row["prev_hash"]
    )
    _tamper(
        store,
        "UPDATE audit_log SET actor = 'mallory', entry_hash = :h WHERE seq = 2",
        {"h": forged},
    )
    result = store.verify_audit_log()
    assert [p.seq for p in result.problems] == [3]
    assert "link" in result.problems[0].problem


def test_deleted_rows_are_detected(store) -> None:  # type: ignore[no-untyped-def]
    _fill(store)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    assert "missing entry 2" in store.verify_audit_log().summary()


def test_a_removed_tail_is_detected(store) -> None:  # type: ignore[no-untyped-def]
    _fill(store)
    last = store.audit_entries()[-1].seq
    _tamper(store, "DELETE FROM audit_log WHERE seq = :s", {"s": last})
    result = store.verify_audit_log()
    assert not result.ok and f"head says {last}" in result.summary()


def test_cli_verify_exits_1_and_names_the_entry(store, store_url, capsys) -> None:  # type: ignore[no-untyped-def]
    _fill(store)
    assert main(["audit-log", "verify", "--db", store_url]) == 0
    assert "intact" in capsys.readouterr().out
    _tamper(store, 'UPDATE audit_log SET detail = \'{"reviewer":"R-2"}\' WHERE seq = 3')
    assert main(["audit-log", "verify", "--db", store_url]) == 1
    assert "TAMPERED: entry 3" in capsys.readouterr().err
    assert main(["audit-log", "verify", "--db", store_url, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"][0]["seq"] == 3


@pytest.mark.parametrize("action", ["add", "view"])
def test_cli_actions_are_logged(store, store_url, tmp_path, capsys, action) -> None:  # type: ignore[no-untyped-def]
    case_file = tmp_path / "case.json"
    case_file.write_text(make_case().model_dump_json())
    assert main(["cases", "add", str(case_file), "--db", store_url, "--actor", "cli:test"]) == 0
    if action == "view":
        assert main(["cases", "show", "CM15-0012345", "--db", store_url, "--actor", "cli:v"]) == 0
        assert "application_received" in capsys.readouterr().out
    actions = [(e.actor, e.action) for e in store.audit_entries("CM15-0012345")]
    assert actions[0] == ("cli:test", "add_case")
    assert (action == "view") == (("cli:v", "view_case") in actions)
