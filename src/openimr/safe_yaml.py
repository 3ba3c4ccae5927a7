"""The one hardened YAML reader for user-supplied files (case files, reviewer panels).

Safe tags only; dates stay text (so pydantic checks `2018-02-30` and names the field);
nesting, also through aliases, is capped before anything recursive can overflow; aliases
cannot blow a small file up into a huge document; a repeated key is refused instead of silently
replacing the first value. Every problem is a one-line `InputError` naming the source and,
where YAML gives one, the line and column. Size and UTF-8 are the caller's (`io_util`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from openimr.errors import InputError

# No real document of ours nests beyond a handful of levels (a case file four, a panel four).
MAX_DEPTH = 32
# What aliases may expand a document to, in characters of scalars (plus one per node).
MAX_EXPANDED_CHARS = 5_000_000

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class UnreadableYamlError(InputError):
    """The text is not a readable YAML document: syntax, a forbidden character, nesting, or
    alias expansion (as opposed to a readable document with a bad value)."""


class _TooDeepError(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__("nested too deep")
        self.mark = mark


if yaml.__with_libyaml__:
    # libyaml's scanner: PyYAML's own is quadratic in the nesting depth of flow collections, and
    # looks up to 1,024 characters ahead, so even a refused `[[[[...` costs it over a second.
    _EventSource: Any = yaml.cyaml.CParser
else:  # pragma: no cover - the wheels ship libyaml

    class _EventSource(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _SafeYamlLoader(Composer, _EventSource, SafeConstructor, Resolver):  # type: ignore[misc]
    """libyaml's events, PyYAML's composer (so depth is counted as nodes are built, and the
    bound stops `[[[[...` after 33 brackets), safe constructors, no timestamp resolver."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str, max_depth: int) -> None:
        _EventSource.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._max_depth = max_depth
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > self._max_depth:
                raise _TooDeepError(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# an explicit `!!timestamp 2018-02-30` stays text too
_SafeYamlLoader.add_constructor(TIMESTAMP_TAG, SafeConstructor.construct_yaml_str)

# YAML's line breaks (YAML 1.1 as PyYAML and libyaml read it)
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def compose_yaml(
    text: str,
    source: str,
    *,
    max_depth: int = MAX_DEPTH,
    max_expanded_chars: int = MAX_EXPANDED_CHARS,
) -> yaml.Node | None:
    """The node tree of a single YAML document (None for an empty one), checked for depth
    (counting aliases), alias expansion and duplicate keys. Raises a one-line InputError."""
    bad = Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        line = len(_LINE_BREAK.findall(text, 0, bad.start())) + 1
        column = bad.start() - max(text.rfind(c, 0, bad.start()) for c in "\r\n\x85\u2028\u2029")
        raise UnreadableYamlError(
            f"{source}: malformed YAML at line {line} column {column}: character "
            f"#x{ord(bad.group()):04x} is not allowed in YAML"
        )
    loader = _SafeYamlLoader(text, max_depth)
    try:
        root = loader.get_single_node()
    except _TooDeepError as exc:
        raise _too_deep(source, exc.mark, max_depth) from None
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):
            # libyaml's own cap (1,000 levels), met while it scans ahead on a long line
            raise _too_deep(source, getattr(exc, "problem_mark", None), max_depth) from None
        raise _syntax_error(source, exc) from None
    finally:
        loader.dispose()
    if root is not None:
        _check_nodes(root, source, max_depth, max_expanded_chars)
    return root


def construct_yaml(root: yaml.Node | None, source: str) -> Any:
    """Plain data (dicts, lists, str, int, float, bool, None) from a composed node tree."""
    if root is None:
        return None
    loader = _SafeYamlLoader("", MAX_DEPTH)
    try:
        return loader.construct_document(root)
    except yaml.YAMLError as exc:
        raise _syntax_error(source, exc) from None
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        # an explicit tag the value does not fit (`!!int abc`), or an integer with more
        # digits than Python converts
        problem = " ".join(str(exc).split())[:120]
        raise UnreadableYamlError(f"{source}: malformed YAML: {problem}") from None
    finally:
        loader.dispose()


def load_yaml(text: str, source: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Plain data from the text of a single YAML document, hardened as the module says."""
    return construct_yaml(compose_yaml(text, source, max_depth=max_depth), source)


def rest_of_line(text: str, node: yaml.Node) -> str:
    """What follows a node on its last line (a comment, say): YAML drops comments, the text
    keeps them. Marks count characters, in libyaml as in PyYAML, except that libyaml does not
    count a byte-order mark that starts the stream."""
    end = node.end_mark.index
    if yaml.__with_libyaml__ and text.startswith("\ufeff"):
        end += 1
    match = _LINE_BREAK.search(text, end)
    return text[end : match.start() if match else len(text)]


def _too_deep(source: str, mark: yaml.Mark | None, max_depth: int) -> UnreadableYamlError:
    line = f" at line {mark.line + 1}" if mark else ""
    return UnreadableYamlError(
        f"{source}: malformed YAML{line}: nested more than {max_depth} levels deep"
    )


def _syntax_error(source: str, exc: yaml.YAMLError) -> UnreadableYamlError:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
    problem = " ".join(str(getattr(exc, "problem", None) or "cannot be parsed").split())
    return UnreadableYamlError(f"{source}: malformed YAML{where}: {problem}")


def _check_nodes(root: yaml.Node, source: str, max_depth: int, max_expanded_chars: int) -> None:
    """Walk the document as aliases expand it (an alias repeats a node without repeating its
    text, and may even contain itself): bounded in size and depth, no key given twice."""
    budget = max_expanded_chars
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", 1)]
    while stack:
        node, path, depth = stack.pop()
        if depth > max_depth:
            raise UnreadableYamlError(
                f"{source}: malformed YAML: nested more than {max_depth} levels deep "
                f"(counting aliases)"
            )
        budget -= 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
        if budget < 0:
            raise UnreadableYamlError(
                f"{source}: its aliases expand it beyond the limit of "
                f"{max_expanded_chars:,} characters"
            )
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(node, path, source)
            for key, value in reversed(node.value):  # reversed: the stack pops in file order
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                sub = f"{path}.{name}" if path else name
                stack.append((value, sub, depth + 1))
                stack.append((key, sub, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in reversed(list(enumerate(node.value))):
                stack.append((value, f"{path}[{i}]", depth + 1))


def _refuse_duplicate_keys(node: yaml.MappingNode, path: str, source: str) -> None:
    """A repeated key would silently replace the first value (YAML and JSON both keep the last)."""
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG:
            if key.value in seen:
                where = f"{path}.{key.value}" if path else key.value
                raise InputError(
                    f"{source}: {where}: line {key.start_mark.line + 1}: duplicate key "
                    f"(the value above would be lost)"
                )
            seen.add(key.value)
