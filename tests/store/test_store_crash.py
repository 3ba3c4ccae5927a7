"""A process killed in the middle of an action leaves nothing half-written."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select
from store_testkit import make_case

from openimr.store import open_store
from openimr.store.models import DisputedItemRow, LifecycleEventRow, RecordRow

KIT = Path(__file__).parent

CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[3])
    from store_testkit import advance_to_records_complete, make_case
    from openimr.store import open_store

    url, point = sys.argv[1], sys.argv[2]
    store = open_store(url)
    store.add_case(make_case("CM15-0000001"), "intake")       # committed before the crash

    def die(name):
        if name == point:
            os.kill(os.getpid(), signal.SIGKILL)               # no cleanup, no rollback by us

    store.fault_hook = die
    if point == "transition":
        point = "before_audit"
        store.transition("CM15-0000001", "eligible", "intake")
    else:
        store.add_case(make_case("CM15-0000002", items=3), "intake")
    print("not killed")
""")


def _run_child(url: str, point: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, url, point, str(KIT)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]


def _count(store, model) -> int:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("point", ["case_inserted", "children_inserted", "before_audit"])
def test_killed_while_adding_a_case(store_url: str, point: str) -> None:
    _run_child(store_url, point)
    store = open_store(store_url)
    assert [c.case_number for c in store.list_cases("check")] == ["CM15-0000001"]
    assert _count(store, RecordRow) == 2  # the first case's records only
    assert _count(store, DisputedItemRow) == 1
    assert _count(store, LifecycleEventRow) == 1
    assert store.verify_audit_log().ok
    store.add_case(make_case("CM15-0000002", items=3), "intake")  # the retry works
    store.close()


def test_killed_during_a_transition(store_url: str) -> None:
    _run_child(store_url, "transition")
    store = open_store(store_url)
    assert store.list_cases("check")[0].state == "application_received"
    assert store.verify_audit_log().ok
    assert store.transition("CM15-0000001", "eligible", "intake").state == "eligible"
    store.close()


def test_an_error_mid_action_rolls_back(store) -> None:  # type: ignore[no-untyped-def]
    def boom(name: str) -> None:
        if name == "children_inserted":
            raise RuntimeError("disk on fire")

    store.fault_hook = boom
    with pytest.raises(RuntimeError):
        store.add_case(make_case(), "intake")
    store.fault_hook = None
    assert _count(store, RecordRow) == 0
    assert store.audit_entries() == []
    store.add_case(make_case(), "intake")
