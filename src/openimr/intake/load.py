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

# A case file is text: a few MB is thousands of pages of notes; anything larger is a mistake.
MAX_CASE_FILE_BYTES = 5_000_000
# The deepest real case field is four levels down (parties.treating_providers[0].name).
MAX_NESTING = 32

_WHAT = "case file"
_EXPECTED = "YAML or JSON"


class UnreadableCaseFileError(InputError):
    """The bytes are not a case document at all (size, encoding, syntax, nesting): the API's 400,
    where a readable document with a bad field is a 422."""


class _TooDeepError(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__("nested too deep")
        self.mark = mark


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_NULL = "tag:yaml.org,2002:null"


class _CaseYamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so pydantic checks `2018-02-30` exactly as it does in
    JSON, and refuses nesting beyond MAX_NESTING before the recursive composer can overflow."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise _TooDeepError(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# an explicit `!!timestamp 2018-02-30` stays text too
_CaseYamlLoader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)

# YAML's line breaks (YAML 1.1 as PyYAML reads it), for the rest of a scalar's line
_REST_OF_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*")


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


def _too_deep(source: str, where: str = "") -> UnreadableCaseFileError:
    return UnreadableCaseFileError(
        f"{source}: nested more than {MAX_NESTING} levels deep{where}; a case file is a few levels"
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


def _check_yaml_nodes(root: yaml.Node, source: str) -> None:
    """Walk the composed document with the Case model beside it.

    Refuses a `#` right after a plain (unquoted) text value: YAML reads it as a comment, so
    `text: Norco 10/325mg #120` would silently lose `#120`. Also bounds the document as aliases
    expand it (an alias repeats a node without repeating its text in the file) in size and depth.
    """
    budget = MAX_CASE_FILE_BYTES
    stack: list[tuple[yaml.Node, Any, str, int]] = [(root, Case, "", 1)]
    while stack:
        node, annotation, path, depth = stack.pop()
        if depth > MAX_NESTING:
            raise _too_deep(source, " (counting aliases)")
        budget -= 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
        if budget < 0:
            raise UnreadableCaseFileError(
                f"{source}: its aliases expand it beyond the limit of "
                f"{MAX_CASE_FILE_BYTES:,} characters"
            )
        annotation = _unwrap(annotation)
        if isinstance(node, yaml.MappingNode):
            fields = (
                annotation.model_fields
                if isinstance(annotation, type) and issubclass(annotation, BaseModel)
                else {}
            )
            _refuse_duplicate_keys(node, path, source)
            for key, value in reversed(node.value):  # reversed: the stack pops in file order
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                field = fields.get(name) if isinstance(name, str) else None
                sub = f"{path}.{name}" if path else str(name)
                stack.append((value, field.annotation if field else None, sub, depth + 1))
                stack.append((key, None, sub, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            item = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None
            for i, value in reversed(list(enumerate(node.value))):
                stack.append((value, item, f"{path}[{i}]", depth + 1))
        elif annotation is str and node.style is None and node.tag != _NULL:
            # only plain scalars: quoted and block scalars keep their '#'; an empty value loses
            # nothing to a comment
            _refuse_trailing_comment(node, path, source)


def _refuse_duplicate_keys(node: yaml.MappingNode, path: str, source: str) -> None:
    """A repeated key would silently replace the first value (YAML and JSON both keep the last)."""
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if key.value in seen:
                where = f"{path}.{key.value}" if path else key.value
                raise InputError(
                    f"{source}: {where}: line {key.start_mark.line + 1}: duplicate key "
                    f"(the value above would be lost)"
                )
            seen.add(key.value)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateJsonKeyError(key)
        seen.add(key)
    return dict(pairs)


class _DuplicateJsonKeyError(ValueError):
    pass


def _refuse_trailing_comment(node: yaml.ScalarNode, path: str, source: str) -> None:
    mark = node.end_mark
    if mark.buffer is None:
        return
    rest = _REST_OF_LINE.match(mark.buffer, mark.pointer)
    if rest is not None and rest.group().lstrip().startswith("#"):
        comment = rest.group().strip()
        raise InputError(
            f"{source}: {path}: line {mark.line + 1}: the unquoted value {_shown(node.value)} is "
            f"followed by {_shown(comment)}, which YAML reads as a comment and drops; "
            f"put the whole value in quotes if the '#' belongs to it"
        )


def _load_yaml(text: str, source: str) -> Any:
    try:
        return _compose_and_construct(text, source)
    except _TooDeepError as exc:
        where = f" at line {exc.mark.line + 1}" if exc.mark else ""
        raise _too_deep(source, where) from None
    except yaml.reader.ReaderError as exc:
        # a control character YAML does not allow (NUL, say); the offset is in characters
        raise UnreadableCaseFileError(
            f"{source}: malformed YAML: character #x{exc.character:04x} at offset {exc.position} "
            f"is not allowed in YAML"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or "cannot be parsed").split())
        raise UnreadableCaseFileError(f"{source}: malformed YAML{where}: {problem}") from None


def _compose_and_construct(text: str, source: str) -> Any:
    loader = _CaseYamlLoader(text)  # checks every character first (ReaderError)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_yaml_nodes(root, source)
        try:
            return loader.construct_document(root)
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            # an explicit tag the value does not fit (`!!int abc`), or an integer with more
            # digits than Python converts
            problem = " ".join(str(exc).split())[:120]
            raise UnreadableCaseFileError(f"{source}: malformed YAML: {problem}") from None
    finally:
        loader.dispose()


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
