"""One loader for every concept table: a Provenance header, then rows that are pydantic models.

A table file is YAML:

    table: anatomy            # the concept; must match what the caller asks for
    version: 1
    provenance:               # where the rows come from, shared by every row unless a row says more
      source: "..."
      numbers_verified: false
    rows:
      - {...}                 # validated against the caller's row model (extra keys refused)

Errors are one line naming the file and the row (`anatomy.yaml: rows.12 (knee): ...`), raised
as `KnowledgeBaseError`, so a bad edit to a table fails at load time, never mid-decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openimr import build_cache
from openimr.errors import KnowledgeBaseError

DATA_DIR = Path(__file__).parent / "data"


class Provenance(BaseModel):
    """Where knowledge comes from. `numbers_verified` is true only when every figure (a dose, a
    day limit, a page) was checked against the published source."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1)
    url: str | None = None
    written: str | None = None  # who wrote the rows and when, for rows in our own words
    numbers_verified: bool = False
    note: str | None = None


class Row(BaseModel):
    """Base of every table row: unknown keys are errors, not silently dropped data."""

    model_config = ConfigDict(extra="forbid", frozen=True)


R = TypeVar("R", bound=Row)
T = TypeVar("T")


class Table(BaseModel, Generic[R]):
    model_config = ConfigDict(extra="forbid")

    table: str
    version: int = Field(ge=1)
    provenance: Provenance
    rows: list[R]
    file: str = ""


def _row_label(raw: object) -> str:
    if isinstance(raw, dict):
        for key in ("id", "name", "part", "generic", "ingredient"):
            if isinstance(raw.get(key), str):
                return f" ({raw[key]})"
    return ""


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def load_table(
    name: str,
    row_model: type[R],
    *,
    path: Path | None = None,
    check: Callable[[Table[R]], None] | None = None,
) -> Table[R]:
    """Read `data/<name>.yaml` (or `path`) as a table of `row_model` rows.

    `check` runs after the rows validate, for rules across rows (a phrase under two parts, a
    combination naming an unknown ingredient); it raises `KnowledgeBaseError` itself, or
    `ValueError` with a message that is prefixed with the file name.
    """
    path = path or DATA_DIR / f"{name}.yaml"
    label = path.name
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except OSError as exc:
        raise KnowledgeBaseError(f"{label}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise KnowledgeBaseError(f"{label}: not valid YAML{at}") from None
    if not isinstance(data, dict):
        raise KnowledgeBaseError(
            f"{label}: expected a mapping with table, version, provenance, rows"
        )
    if data.get("table") != name:
        raise KnowledgeBaseError(f"{label}: table: expected {name!r}, found {data.get('table')!r}")
    raw_rows = data.get("rows")
    if not isinstance(raw_rows, list):
        raise KnowledgeBaseError(f"{label}: rows: expected a list")
    rows: list[R] = []
    for index, raw in enumerate(raw_rows):
        try:
            rows.append(row_model.model_validate(raw))
        except ValidationError as exc:
            raise KnowledgeBaseError(
                f"{label}: rows.{index}{_row_label(raw)}: {_first_error(exc)}"
            ) from None
    header = {key: value for key, value in data.items() if key != "rows"}
    try:
        table = Table[row_model].model_validate({**header, "rows": [], "file": label})  # type: ignore[valid-type]
    except ValidationError as exc:
        raise KnowledgeBaseError(f"{label}: {_first_error(exc)}") from None
    table.rows = rows
    if check is not None:
        try:
            check(table)
        except ValueError as exc:
            raise KnowledgeBaseError(f"{label}: {exc}") from None
    return table


def table_sources() -> list[Path]:
    """Every table file and knowledge module: what a cache built from the tables depends on."""
    return sorted([*DATA_DIR.glob("*.yaml"), *Path(__file__).parent.glob("*.py")])


def cached_tables(
    name: str, files: Iterable[Path], code: Iterable[Path], build: Callable[[], T]
) -> T:
    """`build()` once per change of the table files or the code that reads them (this module
    included), kept in the on-disk build cache under `name` (see openimr.build_cache)."""
    key = build_cache.cache_key([*files, *code, Path(__file__)], ["pyyaml", "pydantic"])
    return build_cache.cached_build(name, key, build)
