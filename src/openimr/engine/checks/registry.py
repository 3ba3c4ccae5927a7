"""The check registry: one function per check, registered with its params schema.

The schemas are `openimr.guidelines.check_params` (the loader validates every row against them);
a function registered with another model, or a schema without a function, is an error at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from openimr.domain.guideline import CheckParams
from openimr.engine.checks.common import CheckResult
from openimr.engine.checks.context import CheckContext
from openimr.guidelines.check_params import PARAMS

P = TypeVar("P", bound=CheckParams)
CheckFunction = Callable[[P, CheckContext], CheckResult]


@dataclass(frozen=True)
class Check:
    name: str
    params: type[CheckParams]
    run: Callable[[Any, CheckContext], CheckResult]


REGISTRY: dict[str, Check] = {}


def register(name: str, params: type[P]) -> Callable[[CheckFunction[P]], CheckFunction[P]]:
    """Register `function(params, ctx)` as check `name`; `params` must be the name's schema."""

    def add(function: CheckFunction[P]) -> CheckFunction[P]:
        if name in REGISTRY:
            raise RuntimeError(f"check {name} registered twice")
        if PARAMS.get(name) is not params:
            raise RuntimeError(
                f"check {name}: {params.__name__} is not its schema in openimr.guidelines.check_params"
            )
        REGISTRY[name] = Check(name=name, params=params, run=function)
        return function

    return add


def registry_gaps() -> tuple[list[str], list[str]]:
    """(schemas with no registered check, registered checks with no schema)."""
    return sorted(set(PARAMS) - set(REGISTRY)), sorted(set(REGISTRY) - set(PARAMS))


def require_complete_registry() -> None:
    unregistered, unschema = registry_gaps()
    if unregistered or unschema:
        raise RuntimeError(
            f"check registry and params schemas differ: no check for {unregistered}, "
            f"no schema for {unschema}"
        )
