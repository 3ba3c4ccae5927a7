"""Criteria evaluation, outcome, rationale and trace; the pipeline that wires the stages."""

from openimr.engine.checks import evaluate_criterion
from openimr.engine.decide import decide_item

__all__ = ["decide_item", "evaluate_criterion"]
