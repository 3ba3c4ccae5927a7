"""The injured worker: chronic pain (symptoms past 12 weeks), age."""

from __future__ import annotations

from openimr.engine.checks.common import CheckResult, found, quote
from openimr.engine.checks.context import CheckContext
from openimr.engine.checks.registry import register
from openimr.guidelines.check_params import AgeAtLeast, AgeAtMost, ChronicPain


@register("chronic_pain", ChronicPain)
def chronic_pain(params: ChronicPain, ctx: CheckContext) -> CheckResult:
    asserted = ctx.facts.asserted("chronic_pain")
    if asserted:
        return found("met", f"Chronic pain: {quote(asserted[0])}", asserted)
    days = ctx.days_since_injury
    if days is not None:
        if ctx.phase == "chronic":
            return found(
                "met",
                f"The injury was {days // 7} weeks before the review (chronic after 12), so the pain is chronic.",
            )
        return found("not_met", f"The injury was only {days} days before the review.")
    return found("not_documented", "The duration of symptoms is not documented.")


def _age(ctx: CheckContext) -> int | None:
    value = ctx.facts.value("age")
    if value is not None:
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
    return ctx.case.worker.age if ctx.case is not None else None


@register("age_at_least", AgeAtLeast)
def age_at_least(params: AgeAtLeast, ctx: CheckContext) -> CheckResult:
    age = _age(ctx)
    if age is None:
        return found("not_documented", "The age is not documented.")
    status = "met" if age >= params.years else "not_met"
    return found(status, f"The injured worker is {age} years old.")


@register("age_at_most", AgeAtMost)
def age_at_most(params: AgeAtMost, ctx: CheckContext) -> CheckResult:
    age = _age(ctx)
    if age is None:
        return found("not_documented", "The age is not documented.")
    status = "met" if age <= params.years else "not_met"
    return found(status, f"The injured worker is {age} years old.")
