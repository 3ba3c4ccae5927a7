"""Medication: the morphine-equivalent ceiling for opioids."""

from __future__ import annotations

from openimr.domain.request import TreatmentRequest
from openimr.engine.checks.common import CheckResult, found
from openimr.engine.checks.context import CheckContext
from openimr.engine.checks.registry import register
from openimr.engine.opioids import morphine_factor, opioid_strength_mg
from openimr.guidelines.check_params import MedAtMost


def estimate_daily_med(req: TreatmentRequest) -> float | None:
    """MED/day from one month's fill: strength of the opioid x units / 30 days x conversion factor."""
    if req.drug_class != "opioid" or not req.strength or not req.quantity:
        return None
    mg = opioid_strength_mg(req.strength)
    if mg is None:
        return None
    daily_mg = mg * req.quantity / 30
    factor = morphine_factor(req.drug, daily_mg)  # methadone's factor depends on the daily dose
    return None if factor is None else daily_mg * factor


@register("med_at_most", MedAtMost)
def med_at_most(params: MedAtMost, ctx: CheckContext) -> CheckResult:
    daily = estimate_daily_med(ctx.request)
    if daily is None:
        return found(
            "not_applicable",
            "The daily morphine-equivalent dose cannot be worked out from the request.",
        )
    limit = float(params.mg)
    above = daily > limit
    return found(
        "not_met" if above else "met",
        f"About {daily:.0f} mg morphine equivalent a day, {'above' if above else 'within'} the "
        f"{limit:.0f} mg ceiling.",
    )
