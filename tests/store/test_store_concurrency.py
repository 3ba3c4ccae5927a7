"""Concurrent writers: one winner per transition, no lost update, an unbroken audit chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from store_testkit import make_case

from openimr.errors import StateError


def test_racing_transitions_have_exactly_one_winner(store) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    store.add_case(case, "intake")

    def attempt(i: int) -> str:
        try:
            store.transition(case.case_number, "eligible", f"clerk-{i}")
            return "won"
        except StateError:
            return "refused"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert results.count("won") == 1
    stored = store.get_case(case.case_number, "check")
    assert [e.to_state for e in stored.events] == ["application_received", "eligible"]
    assert stored.summary.version == 2
    assert store.verify_audit_log().ok


def test_parallel_adds_all_land_and_the_chain_holds(store) -> None:  # type: ignore[no-untyped-def]
    numbers = [f"CM15-{i:07d}" for i in range(1, 13)]

    def add_and_move(number: str) -> None:
        store.add_case(make_case(number), "intake")
        store.transition(number, "eligible", "intake")

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(add_and_move, numbers))
    states = {c.case_number: c.state for c in store.list_cases("check")}
    assert states == dict.fromkeys(numbers, "eligible")
    result = store.verify_audit_log()
    assert result.ok and result.entries == 2 * len(numbers) + 1


def test_the_same_case_added_twice_at_once_is_stored_once(store) -> None:  # type: ignore[no-untyped-def]
    def add(_: int) -> str:
        try:
            store.add_case(make_case(), "intake")
            return "added"
        except StateError:
            return "refused"

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(add, range(4)))
    assert results.count("added") == 1
    assert len(store.list_cases("check")) == 1


def test_verifying_while_others_write_raises_no_false_alarm(store) -> None:  # type: ignore[no-untyped-def]
    import threading

    stop = threading.Event()

    def writer(offset: int) -> None:
        i = 0
        while not stop.is_set() and i < 40:
            store.add_case(make_case(f"CM16-{offset + i:07d}"), "intake")
            i += 1

    threads = [threading.Thread(target=writer, args=(k * 1000,)) for k in range(2)]
    for thread in threads:
        thread.start()
    try:
        results = [store.verify_audit_log() for _ in range(15)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert all(r.ok for r in results), [r.summary() for r in results if not r.ok]
    assert store.verify_audit_log().ok
