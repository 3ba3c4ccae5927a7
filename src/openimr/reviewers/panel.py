"""The reviewer panel as data: YAML or CSV in, validated `Reviewer` models out.

YAML: a list of reviewers (or a mapping with a `reviewers:` list), fields as in
`openimr.domain.reviewer.Reviewer`.  CSV: one reviewer a row with the columns

  code, degree, name, licenses, board_certifications, specialties, years_in_practice,
  hours_per_week, sanctions, affiliations, capacity, current_load

where lists are separated by ";", a license is `CA` or `CA(restricted)`, `NY(suspended)`,
`TX(discipline: probation 2015)`, and an affiliation is `kind: name` or
`kind: name (relationship)`, e.g. `insurer: Golden State Mutual Insurance Co. (consultant)`.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from openimr.domain.reviewer import Reviewer
from openimr.errors import InputError
from openimr.intake.load import describe_validation_error
from openimr.io_util import read_input_text
from openimr.safe_yaml import load_yaml

DATA_DIR = Path(__file__).parent / "data"
SAMPLE_PANEL = DATA_DIR / "sample_panel.yaml"
STATES_FILE = DATA_DIR / "us_states.yaml"

CSV_COLUMNS = (
    "code",
    "degree",
    "name",
    "licenses",
    "board_certifications",
    "specialties",
    "years_in_practice",
    "hours_per_week",
    "sanctions",
    "affiliations",
    "capacity",
    "current_load",
)
_LIST_COLUMNS = ("board_certifications", "specialties", "sanctions")
_LICENSE = re.compile(r"^\s*([A-Za-z]{2})\s*(?:\((.*)\))?\s*$")
_AFFILIATION = re.compile(r"^\s*([a-z_]+)\s*:\s*(.+?)\s*(?:\(([^()]*)\))?\s*$")
_STATUSES = ("active", "inactive", "expired", "revoked", "suspended")
MAX_DEPTH = 32  # a panel nests four levels (reviewers, a reviewer, licenses, a license)


@lru_cache(maxsize=1)
def state_names() -> dict[str, str]:
    return {str(k): str(v) for k, v in yaml.safe_load(STATES_FILE.read_text("utf-8")).items()}


def load_panel(path: str | Path | None = None) -> list[Reviewer]:
    """Read a panel file (YAML or CSV); the sample panel when `path` is None.

    Raises InputError naming the file, the row (reviewer code when known) and the field."""
    path = SAMPLE_PANEL if path is None else Path(path)
    text = read_input_text(path, "panel file", "YAML or CSV")
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(text, path)
    else:
        rows = _yaml_rows(text, path)
    return parse_panel_rows(rows, str(path))


def parse_panel_rows(rows: list[Any], source: str) -> list[Reviewer]:
    if not rows:
        raise InputError(f"{source}: the panel has no reviewers")
    panel: list[Reviewer] = []
    seen: dict[str, int] = {}
    known_states = state_names()
    for index, row in enumerate(rows, start=1):
        where = f"{source}: row {index}"
        if not isinstance(row, dict):
            raise InputError(
                f"{where}: expected a mapping of reviewer fields, got {type(row).__name__}"
            )
        code = row.get("code")
        if isinstance(code, str) and code.isprintable():  # a code with a line break stays out
            where += f" ({code})"
        try:
            reviewer = Reviewer.model_validate(row)
        except ValidationError as exc:
            raise InputError(describe_validation_error(where, exc)) from None
        for i, lic in enumerate(reviewer.licenses):
            if lic.state.upper() not in known_states:
                raise InputError(
                    f"{where}: licenses[{i}].state: unknown US state code {lic.state!r}"
                )
        if reviewer.code in seen:
            raise InputError(
                f"{where}: code: duplicate reviewer code (first at row {seen[reviewer.code]})"
            )
        seen[reviewer.code] = index
        panel.append(reviewer)
    return panel


def _yaml_rows(text: str, path: Path) -> list[Any]:
    data = load_yaml(text, str(path), max_depth=MAX_DEPTH)
    if isinstance(data, dict) and "reviewers" in data:
        data = data["reviewers"]
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of reviewers (or a 'reviewers:' list)")
    return data


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _csv_rows(text: str, path: Path) -> list[dict[str, Any]]:
    # newline="": a bare carriage return ends a row, as in a file csv opens itself
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _read_csv_rows(reader, path)
    except csv.Error as exc:  # an over-long field, say
        raise InputError(f"{path}: malformed CSV after line {reader.line_num}: {exc}") from None


def _read_csv_rows(reader: csv.DictReader[str], path: Path) -> list[dict[str, Any]]:
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise InputError(
            f"{path}: header: unknown column(s) {', '.join(unknown)}; expected {', '.join(CSV_COLUMNS)}"
        )
    rows: list[dict[str, Any]] = []
    for line_no, raw in enumerate(reader, start=1):
        where = f"{path}: row {line_no}"
        raw = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        if raw.get("code") and raw["code"].isprintable():
            where += f" ({raw['code']})"
        row: dict[str, Any] = {}
        for key, value in raw.items():
            if value == "":
                continue
            if key in _LIST_COLUMNS:
                row[key] = _split(value)
            elif key == "licenses":
                row[key] = [_parse_license(part, f"{where}: licenses") for part in _split(value)]
            elif key == "affiliations":
                row[key] = [
                    _parse_affiliation(part, f"{where}: affiliations") for part in _split(value)
                ]
            else:
                row[key] = value
        rows.append(row)
    return rows


def _parse_license(text: str, where: str) -> dict[str, Any]:
    match = _LICENSE.match(text)
    if not match:
        raise InputError(f"{where}: cannot read {text!r} (expected e.g. CA or CA(restricted))")
    lic: dict[str, Any] = {"state": match.group(1).upper()}
    for flag in (f.strip() for f in (match.group(2) or "").split(",") if f.strip()):
        if flag.lower() in _STATUSES:
            lic["status"] = flag.lower()
        elif flag.lower() == "restricted":
            lic["restricted"] = True
        elif flag.lower().startswith("discipline"):
            lic["discipline"] = flag.partition(":")[2].strip() or "yes"
        else:
            raise InputError(f"{where}: unknown license flag {flag!r} in {text!r}")
    return lic


def _parse_affiliation(text: str, where: str) -> dict[str, Any]:
    match = _AFFILIATION.match(text)
    if not match:
        raise InputError(f"{where}: cannot read {text!r} (expected 'kind: name (relationship)')")
    out: dict[str, Any] = {"kind": match.group(1), "name": match.group(2)}
    if match.group(3):
        out["relationship"] = match.group(3).strip()
    return out
