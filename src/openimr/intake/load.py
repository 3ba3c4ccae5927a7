"""Case files in: YAML or JSON -> Case, with one-line errors naming the file and field.

YAML and JSON take one path: text (size-limited, UTF-8) -> plain data (dates stay strings,
nesting is limited) -> `Case.model_validate`, so a bad date or an over-long text gets the same
message from either format, from the CLI and from the API's upload.
"""

from __future__ import annotations

import json
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from openimr.domain.case import LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS, Case
from openimr.errors import InputError
from openimr.io_util import decode_utf8, read_input_text, too_large_message
from openimr.safe_yaml import (
    NULL_TAG,
    UnreadableYamlError,
    compose_yaml,
    construct_yaml,
    rest_of_line,
)

# A case file is text: a few MB is thousands of pages of notes; anything larger is a mistake.
MAX_CASE_FILE_BYTES = 5_000_000
# The deepest real case field is four levels down (parties.treating_providers[0].name).
MAX_NESTING = 32

_WHAT = "case file"
_EXPECTED = "YAML or JSON"


class UnreadableCaseFileError(InputError):
    """The bytes are not a case document at all (size, encoding, syntax, nesting): the API's 400,
    where a readable document with a bad field is a 422."""


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _shown(value: Any) -> str:
    """A bad value as the message quotes it: short, and on one line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing", "date_type"}


def describe_validation_error(source: str, exc: ValidationError) -> str:
    """One line: the file, the first bad field, and what is wrong with it (plus a count of others)."""
    errors = exc.errors()
    first = errors[0]
    kind = first.get("type", "")
    field = _loc(tuple(p for p in first.get("loc", ()) if not str(p).startswith("function-")))
    value = first.get("input")
    if kind == "missing":
        problem = "required field is missing"
    elif kind == "extra_forbidden":
        problem = "unknown key"
    elif kind == "string_too_long":
        limit = first.get("ctx", {}).get("max_length")
        problem = f"too long: {len(value):,} characters, over the limit of {limit:,}"
    elif kind in _DATE_ERRORS and isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        problem = f"not a real date (got {_shown(value)})"
    elif kind in _DATE_ERRORS:
        problem = f"not a date, expected YYYY-MM-DD (got {_shown(value)})"
    else:
        problem = first.get("msg", "invalid").removeprefix("Value error, ")
        if "input" in first and kind != "value_error" and not isinstance(value, (dict, list)):
            problem += f" (got {_shown(value)})"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return " ".join(f"{source}: {field}: {problem}{more}".split())


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
    except RecursionError:
        # a YAML alias can make a list contain itself; pydantic reports most such loops itself
        raise InputError(f"{source}: a YAML alias refers to itself") from None


def _too_deep(source: str) -> UnreadableCaseFileError:
    return UnreadableCaseFileError(
        f"{source}: nested more than {MAX_NESTING} levels deep; a case file is a few levels"
    )


def _json_too_deep(text: str) -> bool:
    """Whether JSON text nests beyond MAX_NESTING, counted over brackets outside strings, so that
    json.loads (recursive) never sees it."""
    depth = 0
    for bracket in re.finditer(r'[\[\]{}]|"(?:[^"\\]|\\.)*"', text, re.DOTALL):
        token = bracket.group()
        if token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif token in "]}":
            depth -= 1
    return False


def _load_json(text: str, source: str) -> Any:
    if _json_too_deep(text):
        raise _too_deep(source)
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except _DuplicateJsonKeyError as exc:
        raise InputError(
            f"{source}: {exc}: duplicate key (the earlier value would be lost)"
        ) from None
    except json.JSONDecodeError as exc:
        raise UnreadableCaseFileError(
            f"{source}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:  # the bracket count above makes this unreachable for valid JSON
        raise _too_deep(source) from None
    except ValueError as exc:  # an integer too long to convert, say
        raise UnreadableCaseFileError(f"{source}: malformed JSON: {exc}") from None


def _unwrap(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` -> X, to match a field's type with the node under it."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _refuse_dropped_comments(root: yaml.Node, text: str, source: str) -> None:
    """Refuse a `#` right after a plain (unquoted) text value, walking the composed document
    with the Case model beside it: YAML reads it as a comment, so `text: Norco 10/325mg #120`
    would silently lose `#120`. (safe_yaml has already bounded depth and aliases.)"""
    stack: list[tuple[yaml.Node, Any, str]] = [(root, Case, "")]
    while stack:
        node, annotation, path = stack.pop()
        annotation = _unwrap(annotation)
        if isinstance(node, yaml.MappingNode):
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                continue  # no model, no text fields below
            for key, value in reversed(node.value):  # reversed: the stack pops in file order
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                field = annotation.model_fields.get(name) if isinstance(name, str) else None
                if field is not None:
                    stack.append((value, field.annotation, f"{path}.{name}" if path else name))
        elif isinstance(node, yaml.SequenceNode) and typing.get_origin(annotation) is list:
            item = typing.get_args(annotation)[0]
            for i, value in reversed(list(enumerate(node.value))):
                stack.append((value, item, f"{path}[{i}]"))
        elif (
            # only plain scalars (no style: None in PyYAML, '' in libyaml): quoted and block
            # scalars keep their '#'; an empty value loses nothing to a comment
            isinstance(node, yaml.ScalarNode)
            and annotation is str
            and not node.style
            and node.tag != NULL_TAG
        ):
            _refuse_trailing_comment(node, text, path, source)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateJsonKeyError(key)
        seen.add(key)
    return dict(pairs)


class _DuplicateJsonKeyError(ValueError):
    pass


def _refuse_trailing_comment(node: yaml.ScalarNode, text: str, path: str, source: str) -> None:
    rest = rest_of_line(text, node)
    if rest.lstrip().startswith("#"):
        comment = rest.strip()
        raise InputError(
            f"{source}: {path}: line {node.end_mark.line + 1}: the unquoted value "
            f"{_shown(node.value)} is followed by {_shown(comment)}, which YAML reads as a "
            f"comment and drops; put the whole value in quotes if the '#' belongs to it"
        )


def _load_yaml(text: str, source: str) -> Any:
    try:
        root = compose_yaml(
            text, source, max_depth=MAX_NESTING, max_expanded_chars=MAX_CASE_FILE_BYTES
        )
        if root is not None:
            _refuse_dropped_comments(root, text, source)
        return construct_yaml(root, source)
    except UnreadableYamlError as exc:
        raise UnreadableCaseFileError(str(exc)) from None


def parse_case_text(text: str, source: str, *, json_format: bool = False) -> Case:
    """A case from the text of a YAML (or, with json_format, JSON) case file."""
    if not text.strip():
        raise InputError(f"{source}: the {_WHAT} is empty")
    data = _load_json(text, source) if json_format else _load_yaml(text, source)
    return parse_case_data(data, source)


def parse_case_bytes(raw: bytes, source: str, *, json_format: bool | None = None) -> Case:
    """A case from an uploaded file's bytes; `source` (the file name) says JSON by its suffix
    unless `json_format` says (an HTTP request body is JSON whatever it is called)."""
    if len(raw) > MAX_CASE_FILE_BYTES:
        raise UnreadableCaseFileError(
            too_large_message(source, _WHAT, len(raw), MAX_CASE_FILE_BYTES)
        )
    try:
        text = decode_utf8(raw, source, _EXPECTED)
    except InputError as exc:
        raise UnreadableCaseFileError(str(exc)) from None
    if json_format is None:
        json_format = source.lower().endswith(".json")
    return parse_case_text(text, source, json_format=json_format)


def load_case(path: str | Path) -> Case:
    """Read a YAML or JSON case file. Raises InputError with a one-line message on any problem."""
    path = Path(path)
    text = read_input_text(path, _WHAT, _EXPECTED, max_bytes=MAX_CASE_FILE_BYTES)
    return parse_case_text(text, str(path), json_format=path.suffix.lower() == ".json")


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of a case file (what `openimr schema` prints)."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "openimr case file"
    schema["description"] = (
        f"An IMR case file, YAML or JSON, UTF-8, at most {MAX_CASE_FILE_BYTES:,} bytes and "
        f"{MAX_NESTING} levels deep. A record's text and the summary are at most "
        f"{LONG_TEXT_MAX_CHARS:,} characters; every other text at most "
        f"{SHORT_TEXT_MAX_CHARS:,}. Dates are YYYY-MM-DD. In YAML, quote a text holding ' #'."
    )
    return schema
