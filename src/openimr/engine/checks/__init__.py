"""Criterion checks as a typed registry.

Each check is a small function `(params, ctx) -> CheckResult`, registered under its name with its
params model from `openimr.guidelines.check_params` (the schema the loader validates every row
against). One module per family: limits on the request's terms, findings in the record, earlier
use of the treatment, the injured worker, drugs, the row's status. `CheckContext` carries what the
engine computes once per item.
"""

from __future__ import annotations

from openimr.engine.checks import drugs, facts, history, limits, patient, status
from openimr.engine.checks.common import CheckResult, capitalize
from openimr.engine.checks.context import CheckContext, check_context
from openimr.engine.checks.evaluate import applies, evaluate_criterion
from openimr.engine.checks.registry import REGISTRY, register, require_complete_registry

require_complete_registry()  # every schema has a check and every check a schema

__all__ = [
    "REGISTRY",
    "CheckContext",
    "CheckResult",
    "applies",
    "capitalize",
    "check_context",
    "drugs",
    "evaluate_criterion",
    "facts",
    "history",
    "limits",
    "patient",
    "register",
    "status",
]
