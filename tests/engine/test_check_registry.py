"""The check registry and the params schemas the loader validates against are the same list."""

from __future__ import annotations

import pytest

from openimr.domain.facts import ClinicalFact, ClinicalFacts
from openimr.domain.guideline import Criterion
from openimr.domain.request import TreatmentRequest
from openimr.engine.checks import REGISTRY, CheckContext, check_context, evaluate_criterion
from openimr.engine.checks.common import CheckResult, found
from openimr.engine.checks.registry import register, registry_gaps
from openimr.guidelines.check_params import PARAMS, FactPresent, SessionsAtMost


def test_every_schema_has_a_check_and_every_check_a_schema() -> None:
    assert registry_gaps() == ([], [])
    assert set(REGISTRY) == set(PARAMS)
    for name, check in REGISTRY.items():
        assert check.params is PARAMS[name], name
        assert check.params.check == name


def test_registering_with_another_schema_or_twice_is_refused() -> None:
    def noop(params: FactPresent, ctx: CheckContext) -> CheckResult:
        return found("met", "")

    with pytest.raises(RuntimeError, match="not its schema"):
        register("sessions_at_most_typo", FactPresent)(noop)
    with pytest.raises(RuntimeError, match="registered twice"):
        register("fact_present", FactPresent)(noop)
    assert REGISTRY["fact_present"].run is not noop


def test_params_and_criteria_are_frozen() -> None:
    params = SessionsAtMost(max=6)
    crit = Criterion(
        id="c", description="d", check="sessions_at_most", role="limit", params=params, gap="g"
    )
    with pytest.raises(ValueError):
        params.max = 12  # type: ignore[misc]
    with pytest.raises(ValueError):
        crit.params = SessionsAtMost(max=12)  # type: ignore[misc]
    with pytest.raises(ValueError, match="params for fact_present given to check sessions_at_most"):
        Criterion(
            id="c",
            description="d",
            check="sessions_at_most",
            role="limit",
            params=FactPresent(kind="age"),
        )


def test_the_post_surgical_course_is_a_context_field_not_a_patched_param() -> None:
    pt = TreatmentRequest(
        text="Post-op PT x12", category="physical_medicine", service="physical therapy", sessions=12
    )
    done = ClinicalFact(
        kind="prior_treatment",
        attributes={"modality": "physical therapy", "sessions": 12},
    )
    facts = ClinicalFacts(facts=[done])
    crit = Criterion(
        id="v",
        description="d",
        check="sessions_at_most",
        role="limit",
        params=SessionsAtMost(max=20),
        gap="g",
    )
    # before an operation the visits already given count against the limit; after it, afresh
    assert evaluate_criterion(crit, check_context(pt, facts)).status == "not_met"
    post_op = check_context(pt, facts, post_surgical=True)
    assert evaluate_criterion(crit, post_op).status == "met"
    assert crit.params == SessionsAtMost(max=20)
