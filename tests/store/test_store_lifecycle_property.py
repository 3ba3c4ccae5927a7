"""Property: whatever sequence of moves is attempted, the store agrees with the state machine,
refused moves change nothing, and the audit log holds exactly one entry per accepted action."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_testkit import make_case, make_determination, stand_in_signer

from openimr.errors import StateError
from openimr.store import lifecycle, open_store

MOVES = [
    "eligible",
    "ineligible",
    "assign",
    "records_complete",
    "draft",
    "sign",
    "issued",
    "withdrawn",
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=st.lists(st.sampled_from(MOVES), min_size=1, max_size=10))
def test_store_follows_the_state_machine(tmp_path_factory, moves: list[str]) -> None:  # type: ignore[no-untyped-def]
    store = open_store(
        f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}", signer=stand_in_signer
    )
    case = make_case()
    store.add_case(case, "intake")
    state, accepted = "application_received", 1
    for move in moves:
        target = {"assign": "assigned", "draft": "drafted", "sign": "signed"}.get(move, move)
        legal = target in lifecycle.TRANSITIONS[state]
        if move == "draft":
            # a draft is stored in any open state; the state moves only from records complete
            legal = lifecycle.is_open(state)
            target = "drafted" if state in ("records_complete", "drafted") else state
        try:
            if move == "assign":
                store.assign(case.case_number, "R-1", "admin", on=dt.date(2015, 1, 12))
            elif move == "draft":
                store.save_determination(make_determination(case), "R-1")
            elif move == "sign":
                store.sign(case.case_number, "R-1", "R-1")
            else:
                reason = {"ineligible": "late", "withdrawn": "authorized"}.get(move)
                store.transition(
                    case.case_number, move, "admin", reason=reason, on=dt.date(2015, 2, 1)
                )
        except StateError:
            assert not legal, (state, move)
        else:
            assert legal, (state, move)
            state, accepted = target, accepted + 1
        assert store.list_cases("check")[0].state == state
        accepted += 1  # the list above is an audited view
    result = store.verify_audit_log()
    assert result.ok and result.entries == accepted
    store.close()
