"""Body parts, treatments and the course property are written once, in openimr.knowledge.

These tests scan the source tree: a YAML file outside knowledge/data that lists body-part words, a
Python literal naming several body parts or request categories, or a second COURSE_CATEGORIES
fails them. Each detector is first shown to catch the copy it is meant to catch.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

import openimr
from openimr.domain.request import BODY_PARTS, CATEGORIES

SRC = Path(openimr.__file__).parent
KNOWLEDGE_DATA = SRC / "knowledge" / "data"
# the closed vocabularies themselves (Literal types)
VOCABULARY_MODULE = SRC / "domain" / "request.py"
_PARTS = frozenset(BODY_PARTS)
_CATEGORIES = frozenset(CATEGORIES)


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(key)
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def yaml_vocabulary_copy(data: Any) -> str | None:
    """Why `data` (a parsed YAML file) is a body-part or treatment vocabulary, else None.

    A body-part vocabulary keys several parts (`cervical spine: [neck, ...]`) or names a part as
    the same field of several rows (`value: knee`, `region: shoulder`). A treatment vocabulary
    has rows with a pattern and a request category. Lists of parts as values (a guideline row's
    `body_parts: [knee]`, a specialty's scope) are uses of the vocabulary, not copies.
    """
    for node in _walk(data):
        if not isinstance(node, dict):
            continue
        keyed = _PARTS & {key for key in node if isinstance(key, str)}
        if len(keyed) >= 4:
            return f"body parts as keys: {sorted(keyed)[:4]}"
    fields: Counter[str] = Counter()
    for node in _walk(data):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and value in _PARTS:
                    fields[str(key)] += 1
                if key == "category" and value in _CATEGORIES and "pattern" in node:
                    return "treatment rows (pattern, category)"
    repeated = [key for key, n in fields.items() if n >= 4]
    if repeated:
        return f"body parts as the {repeated[0]!r} of several rows"
    return None


def python_vocabulary_copy(source: str) -> list[str]:
    """Literal containers in `source` that name several body parts or request categories, and
    any assignment to a name ending in COURSE_CATEGORIES."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple, ast.Dict)):
            strings = {
                sub.value
                for sub in ast.walk(node)
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
            }
            if len(strings & _PARTS) >= 4:
                found.append(f"line {node.lineno}: body parts {sorted(strings & _PARTS)[:4]}")
            elif len(strings & _CATEGORIES) >= 4:
                found.append(f"line {node.lineno}: categories {sorted(strings & _CATEGORIES)[:4]}")
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id.endswith("COURSE_CATEGORIES"):
                found.append(f"line {node.lineno}: {target.id}")
    return found


# --- the detectors catch the copies this issue removed ------------------------------------------


def test_yaml_detector_catches_the_old_copies() -> None:
    request_words = {
        "parts": {"cervical spine": ["neck"], "knee": ["knee"], "hip": ["hip"], "foot": ["toe"]}
    }
    record_rows = {
        "body_parts": [{"value": p, "patterns": [p]} for p in ("knee", "hip", "foot", "hand")]
    }
    services = {"services": [{"pattern": "massage", "service": "massage", "category": "massage"}]}
    for data in (request_words, record_rows, services):
        assert yaml_vocabulary_copy(data) is not None
    guideline_row = {"rows": [{"id": "a", "body_parts": ["knee", "hip", "foot", "hand"]}]}
    assert yaml_vocabulary_copy(guideline_row) is None


def test_python_detector_catches_the_old_copies() -> None:
    old_engine = '_LOCAL = {"shoulder", "elbow", "wrist", "hand", "knee"}'
    old_table = (
        '_WORDS = ((r"knees?", "knee"), (r"hips?", "hip"), (r"ankles?", "ankle"), ("x", "foot"))'
    )
    old_course = 'COURSE_CATEGORIES = frozenset({"massage"})'
    old_set = 'X = {"physical_medicine", "massage", "chiropractic", "acupuncture"}'
    for source in (old_engine, old_table, old_course, old_set):
        assert python_vocabulary_copy(source)
    assert python_vocabulary_copy('SPINE = {"C": "cervical spine", "T": "thoracic spine"}') == []


# --- the source tree has no copy --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SRC.rglob("*.yaml") if KNOWLEDGE_DATA not in p.parents),
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_no_vocabulary_yaml_outside_knowledge(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert yaml_vocabulary_copy(data) is None, f"{path.relative_to(SRC)}: a second vocabulary"


def test_no_python_copy_of_body_parts_categories_or_course() -> None:
    copies = {
        str(path.relative_to(SRC)): found
        for path in sorted(SRC.rglob("*.py"))
        if path != VOCABULARY_MODULE
        and (found := python_vocabulary_copy(path.read_text(encoding="utf-8")))
    }
    assert copies == {}
