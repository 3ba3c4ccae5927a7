"""The row's own status: a treatment the guideline does not recommend."""

from __future__ import annotations

from openimr.engine.checks.common import CheckResult, found
from openimr.engine.checks.context import CheckContext
from openimr.engine.checks.registry import register
from openimr.guidelines.check_params import NotRecommended


@register("not_recommended", NotRecommended)
def not_recommended(params: NotRecommended, ctx: CheckContext) -> CheckResult:
    return found("not_met", "The guideline does not recommend this treatment for this condition.")
