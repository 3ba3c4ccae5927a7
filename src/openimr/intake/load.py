"""Case files in: YAML or JSON -> Case, with one-line errors naming the file and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from openimr.domain.case import Case
from openimr.errors import InputError
from openimr.io_util import read_input_text


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def describe_validation_error(source: str, exc: ValidationError) -> str:
    """One line: the file, the first bad field, and what is wrong with it (plus a count of others)."""
    errors = exc.errors()
    first = errors[0]
    kind = first.get("type", "")
    field = _loc(tuple(p for p in first.get("loc", ()) if not str(p).startswith("function-")))
    if kind == "missing":
        problem = "required field is missing"
    elif kind == "extra_forbidden":
        problem = "unknown key"
    else:
        problem = first.get("msg", "invalid").removeprefix("Value error, ")
        if (
            "input" in first
            and kind not in ("value_error",)
            and not isinstance(first["input"], (dict, list))
        ):
            problem += f" (got {first['input']!r})"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{source}: {field}: {problem}{more}"


def parse_case_data(data: Any, source: str = "<case>") -> Case:
    if data is None:
        raise InputError(f"{source}: the case file is empty")
    if not isinstance(data, dict):
        raise InputError(
            f"{source}: expected a mapping of case fields at the top level, got {type(data).__name__}"
        )
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe_validation_error(source, exc)) from None


def load_case(path: str | Path) -> Case:
    """Read a YAML or JSON case file. Raises InputError with a one-line message on any problem."""
    path = Path(path)
    text = read_input_text(path, "case file", "YAML or JSON")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise InputError(f"{path}: malformed YAML{where}: {problem}") from None
    return parse_case_data(data, str(path))


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of a case file (what `openimr schema` prints)."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "openimr case file"
    return schema
