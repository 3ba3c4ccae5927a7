"""Lazy re-exports for package `__init__` modules (PEP 562).

A package that re-exports its modules' names (`from openimr.store import open_store`) would
otherwise import every module when any one is imported: `openimr request` would build every
domain model, `openimr decide --no-store` would import SQLAlchemy. With `lazy_exports`, a name is
imported from its module the first time it is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `exports[name]` (a module) on first use."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later look-ups skip this function
        return value

    return __getattr__
