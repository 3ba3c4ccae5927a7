"""Store behaviour against SQLite and PostgreSQL: cases, lifecycle, determinations, signing."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from store_testkit import advance_to_records_complete, make_case, make_determination

from openimr.domain import Case
from openimr.errors import InputError, NotFoundError, StateError
from openimr.store import open_store
from openimr.store import store as store_module
from openimr.store.db import MIGRATIONS_DIR


def test_a_case_round_trips_whole(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case(items=2)
    summary = store.add_case(case, "intake:ann")
    assert summary.state == "application_received"
    assert summary.items == 2
    stored = store.get_case(case.case_number, "intake:ann")
    assert stored.case == case
    assert [e.to_state for e in stored.events] == ["application_received"]
    assert stored.determination is None


def test_records_and_items_get_their_own_rows(store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from openimr.store.models import DisputedItemRow, RecordRow

    store.add_case(make_case(items=3), "intake")
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RecordRow)).scalar_one() == 2
        assert conn.execute(select(func.count()).select_from(DisputedItemRow)).scalar_one() == 3


def test_duplicate_and_missing_cases_are_clear_errors(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    store.add_case(case, "intake")
    with pytest.raises(StateError, match="already in the store"):
        store.add_case(case, "intake")
    with pytest.raises(NotFoundError, match="CM15-0099999: not in the store"):
        store.get_case("CM15-0099999", "intake")
    with pytest.raises(NotFoundError):
        store.transition("CM15-0099999", "eligible", "intake")


def test_full_lifecycle_with_deadlines(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case(priority="expedited")
    store.add_case(case, "intake")
    store.transition(case.case_number, "eligible", "intake")
    assigned = store.assign(case.case_number, "R-7", "admin", on=dt.date(2015, 1, 12))
    assert assigned.records_due == dt.date(2015, 1, 13)  # expedited: 24 hours
    assert assigned.decision_due is None  # the clock starts when records are complete
    done = store.transition(case.case_number, "records_complete", "intake", on=dt.date(2015, 1, 14))
    assert done.decision_due == dt.date(2015, 1, 17)  # expedited: 3 days
    drafted = store.save_determination(make_determination(case), "R-7")
    assert drafted.state == "drafted" and drafted.determination_status == "draft"
    signed = store.sign(case.case_number, "R-7", "reviewer:R-7")
    assert signed.status == "signed" and signed.signature.reviewer_code == "R-7"
    other = make_case("CM15-0000077", items=3)
    store.add_case(other, "intake")
    listed = {c.case_number: c for c in store.list_cases("admin")}
    assert (listed[case.case_number].determination_status, listed[case.case_number].items) == (
        "signed",
        1,
    )
    assert (listed[other.case_number].determination_status, listed[other.case_number].items) == (
        None,
        3,
    )
    issued = store.transition(case.case_number, "issued", "admin")
    assert issued.state == "issued" and issued.decision_due is None
    events = store.get_case(case.case_number, "admin").events
    assert [e.to_state for e in events] == [
        "application_received",
        "eligible",
        "assigned",
        "records_complete",
        "drafted",
        "signed",
        "issued",
    ]


def test_illegal_transition_changes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    store.add_case(case, "intake")
    before = len(store.audit_entries())
    with pytest.raises(StateError, match="cannot move from application_received to issued"):
        store.transition(case.case_number, "issued", "admin")
    with pytest.raises(StateError, match="use assign"):
        store.transition(case.case_number, "assigned", "admin")
    assert len(store.audit_entries()) == before
    assert store.list_cases("admin")[0].state == "application_received"


def test_ineligible_and_withdrawn_are_terminal(store) -> None:  # type: ignore[no-untyped-def]
    a, b = make_case("CM15-0000001"), make_case("CM15-0000002")
    store.add_case(a, "intake")
    store.add_case(b, "intake")
    out = store.transition(a.case_number, "ineligible", "intake", reason="late")
    assert out.ineligible_reason == "late"
    store.transition(b.case_number, "eligible", "intake")
    store.transition(b.case_number, "withdrawn", "intake", reason="claims administrator authorized")
    for number in (a.case_number, b.case_number):
        with pytest.raises(StateError, match="the case is closed"):
            store.transition(number, "eligible", "intake")
        with pytest.raises(StateError, match="cannot be saved"):
            store.save_determination(make_determination(make_case(number)), "R-1")


def test_early_draft_is_kept_without_skipping_the_lifecycle(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    store.add_case(case, "intake")
    summary = store.save_determination(make_determination(case), "engine")
    assert summary.state == "application_received"
    assert summary.determination_status == "draft"


def test_save_determination_can_add_the_case(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    det = make_determination(case, outcome="Overturned")
    summary = store.save_determination(det, "cli", case=case)
    assert summary.case_number == case.case_number
    assert store.determination(case.case_number, "admin") == det
    with pytest.raises(InputError, match="the case file is CM15-0000003"):
        store.save_determination(det, "cli", case=make_case("CM15-0000003"))


def test_only_the_assigned_reviewer_signs(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    store.add_case(case, "intake")
    advance_to_records_complete(store, case.case_number, reviewer="R-1")
    with pytest.raises(StateError, match="only a drafted case"):
        store.sign(case.case_number, "R-1", "reviewer:R-1")
    store.save_determination(make_determination(case), "R-1")
    with pytest.raises(StateError, match="R-2 is not the assigned reviewer"):
        store.sign(case.case_number, "R-2", "reviewer:R-2")
    assert store.list_cases("admin")[0].state == "drafted"
    assert store.audit_entries(case.case_number)[-1].action == "access_denied"
    store.sign(case.case_number, "R-1", "reviewer:R-1")
    with pytest.raises(StateError):
        store.sign(case.case_number, "R-1", "reviewer:R-1")


def test_a_reviewer_sees_only_assigned_cases(store) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = make_case("CM15-0000011"), make_case("CM15-0000012")
    for case, reviewer in ((mine, "R-1"), (theirs, "R-2")):
        store.add_case(case, "intake")
        advance_to_records_complete(store, case.case_number, reviewer=reviewer)
    listed = store.list_cases("reviewer:R-1", reviewer="R-1")
    assert [c.case_number for c in listed] == [mine.case_number]
    assert store.get_case(mine.case_number, "reviewer:R-1", reviewer="R-1").case == mine
    with pytest.raises(NotFoundError):
        store.get_case(theirs.case_number, "reviewer:R-1", reviewer="R-1")
    denied = [e for e in store.audit_entries(theirs.case_number) if e.action == "access_denied"]
    assert denied and denied[0].actor == "reviewer:R-1"


def test_list_is_ordered_by_decision_deadline(store) -> None:  # type: ignore[no-untyped-def]
    late, soon, none = (
        make_case("CM15-0000021"),
        make_case("CM15-0000022"),
        make_case("CM15-0000023"),
    )
    for case in (late, soon, none):
        store.add_case(case, "intake")
    for case, day in ((late, dt.date(2015, 2, 20)), (soon, dt.date(2015, 2, 1))):
        store.transition(case.case_number, "eligible", "intake")
        store.assign(case.case_number, "R-1", "admin", on=dt.date(2015, 1, 15))
        store.transition(case.case_number, "records_complete", "intake", on=day)
    listed = store.list_cases("admin")
    assert [c.case_number for c in listed] == [
        soon.case_number,
        late.case_number,
        none.case_number,
    ]
    # decisions due in 2015 are long past; a case with no deadline yet is not overdue
    assert [c.overdue for c in listed] == [True, True, False]
    assert [c.case_number for c in store.list_cases("admin", limit=1)] == [soon.case_number]
    assert [c.case_number for c in store.list_cases("admin", state="application_received")] == [
        none.case_number
    ]
    with pytest.raises(InputError, match="unknown state 'done'"):
        store.list_cases("admin", state="done")
    store.add_case(make_case("CM15-0000024"), "intake")
    store.transition("CM15-0000024", "eligible", "intake")
    fresh = store.assign("CM15-0000024", "R-1", "admin")  # today: records due in 15 days
    assert fresh.records_due is not None and not fresh.overdue


def test_record_decision_and_signature_for_the_cli(store) -> None:  # type: ignore[no-untyped-def]
    from openimr.domain import Signature

    case = make_case()
    det = make_determination(case)
    store.record_decision(case, det, actor="cli")
    store.record_decision(case, det, actor="cli")  # a second run: stored again, no error
    signed = det.model_copy(
        update={
            "status": "signed",
            "signature": Signature(
                reviewer_code="R-9",
                signed_at=dt.datetime(2015, 2, 2, tzinfo=dt.UTC),
                attestation="ok",
            ),
        }
    )
    summary = store.record_signature(signed, actor="reviewer:R-9")
    assert summary is not None
    assert summary.state == "application_received"  # not assigned: the lifecycle is not faked
    assert summary.determination_status == "signed"
    assert (
        store.record_signature(signed.model_copy(update={"case_number": "CM15-0000404"}), actor="x")
        is None
    )
    assert store.verify_audit_log().ok


def test_reopening_runs_no_migration_twice(store_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    newest = ScriptDirectory.from_config(config).get_current_head()
    first = open_store(store_url)
    first.add_case(make_case(), "intake")
    first.close()
    second = open_store(store_url)
    with second.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == newest
    assert len(second.list_cases("admin")) == 1
    second.close()


def test_a_bad_url_is_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="unsupported database"):
        open_store("mysql://nobody@localhost/x")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot"):
        open_store(f"sqlite:///{blocker}/sub/openimr.db")


def test_hostile_values_are_stored_or_refused_cleanly(store) -> None:  # type: ignore[no-untyped-def]
    data = make_case().model_dump(mode="json")
    data["records"][0]["id"] = "r" * 500
    data["records"][0]["author"] = "Dr. " + "A" * 1000
    data["disputed_items"][0]["id"] = "i" * 300
    from openimr.domain import Case

    long_ids = Case.model_validate(data)
    store.add_case(long_ids, "intake")
    assert store.get_case(long_ids.case_number, "check").case == long_ids
    nul = make_case("CM15-0000005").model_dump(mode="json")
    nul["records"][0]["text"] = "before\x00after"
    try:
        store.add_case(Case.model_validate(nul), "intake")
    except InputError as exc:  # PostgreSQL text cannot hold NUL; SQLite can
        assert "nothing stored" in str(exc)
        assert [c.case_number for c in store.list_cases("check")] == [long_ids.case_number]
    with pytest.raises(InputError, match="nothing stored"):
        store.transition(long_ids.case_number, "eligible", "x" * 10_000)
    assert store.list_cases("check")[0].state == "application_received"
    assert store.verify_audit_log().ok


def test_a_store_opened_without_a_signer_signs_nothing(store_url: str) -> None:
    """Signing is the engine's rule, handed in by whoever opens the store (the API does)."""
    plain = open_store(store_url)
    try:
        case = make_case()
        plain.add_case(case, "intake")
        advance_to_records_complete(plain, case.case_number, reviewer="R-7")
        plain.save_determination(make_determination(case), "R-7")
        with pytest.raises(StateError, match="without a signer"):
            plain.sign(case.case_number, "R-7", "reviewer:R-7")
        stored = plain.get_case(case.case_number, "admin")
        assert stored.summary.state == "drafted" and stored.determination.status == "draft"
    finally:
        plain.close()


def test_event_dates_are_checked_against_the_case(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case()  # application received 2015-01-10
    number = case.case_number
    store.add_case(case, "intake")
    store.transition(number, "eligible", "intake")
    entries = store.verify_audit_log().entries
    far = dt.date(2999, 1, 1)  # over a year after any today this code will see; no clock read
    with pytest.raises(InputError, match=r"on: 1999-01-01 is before the case's application_rec"):
        store.assign(number, "R-1", "admin", on=dt.date(1999, 1, 1))
    with pytest.raises(InputError, match="more than 365 days after today"):
        store.assign(number, "R-1", "admin", on=far)
    assert store.list_cases("check")[0].state == "eligible"  # refused: nothing moved
    store.assign(number, "R-1", "admin", on=dt.date(2015, 1, 12))
    with pytest.raises(InputError, match=r"2015-01-11 is before the case's assigned_on \(2015-01"):
        store.transition(number, "records_complete", "intake", on=dt.date(2015, 1, 11))
    with pytest.raises(InputError, match="more than 365 days after today"):
        store.transition(number, "records_complete", "intake", on=far)
    summary = store.list_cases("check")[0]
    assert (summary.state, summary.records_complete_on) == ("assigned", None)
    done = store.transition(number, "records_complete", "intake", on=dt.date(2015, 1, 12))
    assert done.decision_due == dt.date(2015, 2, 11)
    store.save_determination(make_determination(case), "R-1")
    with pytest.raises(
        InputError, match=r"when: 2015-01-11 is before the case's records_complete_on"
    ):
        store.sign(number, "R-1", "reviewer:R-1", when=dt.datetime(2015, 1, 11, tzinfo=dt.UTC))
    assert store.determination(number, "check").status == "draft"
    store.sign(number, "R-1", "reviewer:R-1", when=dt.datetime(2015, 1, 13, tzinfo=dt.UTC))
    # refusals wrote no audit entry: 2 list views + assign + records + draft + determination view
    # + sign, after the entries before the refusals
    assert store.verify_audit_log().entries == entries + 7


def test_a_case_dated_over_a_year_ahead_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    data = make_case().model_dump(mode="json")
    # a plausible year (the model refuses 9999, which would overflow), but no case is filed ahead
    data["application_received"] = "2190-12-31"
    with pytest.raises(InputError, match=r"application_received: 2190-12-31 is more than 365 days"):
        store.add_case(Case.model_validate(data), "intake")
    data = make_case().model_dump(mode="json")
    data["records"][0]["date"] = "2199-01-01"
    with pytest.raises(InputError, match=r"records\[r1\]\.date: 2199-01-01 is more than 365 days"):
        store.add_case(Case.model_validate(data), "intake")
    assert store.list_cases("check") == []


def test_a_default_date_is_checked_too(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # "today" is the store's clock, fixed here: five days before the application was received
    monkeypatch.setattr(store_module, "_now", lambda: dt.datetime(2015, 1, 5, 9, tzinfo=dt.UTC))
    case = make_case()  # application received 2015-01-10
    store.add_case(case, "intake")
    store.transition(case.case_number, "eligible", "intake")
    with pytest.raises(InputError) as err:
        store.assign(case.case_number, "R-1", "admin")
    assert str(err.value) == (
        "case CM15-0012345: on (default today): 2015-01-05 is before the case's"
        " application_received (2015-01-10)"
    )
    with pytest.raises(InputError, match=r"2016-01-06 is more than 365 days after today \(2015"):
        store.assign(case.case_number, "R-1", "admin", on=dt.date(2016, 1, 6))
    assigned = store.assign(case.case_number, "R-1", "admin", on=dt.date(2016, 1, 5))
    assert assigned.assigned_on == dt.date(2016, 1, 5)  # a year ahead is the limit
    with pytest.raises(
        InputError, match=r"on \(default today\): 2015-01-05 is before the case's as"
    ):
        store.transition(case.case_number, "records_complete", "intake")
