"""Read the guideline YAML files into validated Recommendation rows.

Each file under `data/` describes one guideline document (or one chapter of it) and its rows:

    document:
      key: mtus_low_back            # document identity used for citation matching
      guideline: MTUS Low Back Complaints
      cited_as: [Low Back Complaints]   # how letters name the document (besides `guideline`)
      chapter: ACOEM 2nd ed. ch. 12
      level: mtus                   # 8 CCR 9792.21.1 search level
      editions:                     # one row per edition is generated from each row below
        - {edition: "2004", id_prefix: acoem_lb, effective_from: 2007-06-15, effective_to: ...}
          # `pages: false` on an edition drops the rows' page numbers (cited by section only)
      source: where the content came from (merged into each row's provenance.source)
    rows:
      - id: mri                      # final id: <id_prefix>.<id>
        section: Special Studies
        also_cited_as: [Summary]     # other sections of the same document that state it
        only_editions: ["2009"]      # optional: generate the row for these editions only
        treatments:
          services: [mri]            # request-parser service names this row is the primary guide for
          synonyms: [MRI, magnetic resonance imaging]   # words naming the treatment in item texts
        ...                          # any other Recommendation field

Every problem raises KnowledgeBaseError naming the file and the row id.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from openimr.domain.common import Model
from openimr.domain.guideline import ROLES, Criterion, Phase, Recommendation, SearchLevel
from openimr.errors import KnowledgeBaseError
from openimr.guidelines.check_params import PARAMS
from openimr.knowledge.drugs import drug_class_names

DATA_DIR = Path(__file__).parent / "data"

# Keys a row may carry that are not Recommendation fields (they describe citation matching).
ROW_EXTRA_KEYS = ("also_cited_as", "only_editions")

try:  # the C loader is several times faster; fall back when libyaml is missing
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader


class Edition(Model):
    edition: str
    id_prefix: str
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    pages: bool = True  # False: this edition is cited without page numbers (rows' pages dropped)


class GuidelineDocument(Model):
    key: str
    guideline: str
    cited_as: list[str] = Field(default_factory=list)
    chapter: str | None = None
    level: SearchLevel = "mtus"
    # the phases of care the document governs; a row without phases of its own takes these when
    # the search tells rows that fit the case's phase from those that do not
    phases: list[Phase] = Field(default_factory=list)
    editions: list[Edition]
    source: str
    note: str | None = None
    file: str = ""

    def names(self) -> list[str]:
        return [self.guideline, *self.cited_as]


class LoadedFile(Model):
    document: GuidelineDocument
    rows: list[Recommendation]
    also_cited_as: dict[str, list[str]] = Field(default_factory=dict)  # row id -> sections


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Guideline files live one folder down (mtus/, odg/, other/); files at the top are lexicons."""
    return sorted(p for p in data_dir.glob("*/*.yaml") if p.is_file())


def _fail(path: Path, row: str | None, message: str) -> KnowledgeBaseError:
    where = f"{path.name}" if row is None else f"{path.name}: row {row}"
    return KnowledgeBaseError(f"{where}: {message}")


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    # a misspelt key shows as an unknown key and a missing one: name the misspelling
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = ".".join(str(p) for p in err["loc"])
    return f"{loc}: {err['msg']}" if loc else err["msg"]


def _criteria(path: Path, row_id: str, raw: object) -> list[Criterion]:
    """A row's criteria, each check's params validated against its schema (check_params)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _fail(path, row_id, "criteria must be a list")
    criteria: list[Criterion] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _fail(path, row_id, f"criteria #{index + 1}: a criterion must be a mapping")
        where = f"criterion {item.get('id') or '#' + str(index + 1)}"
        if item.get("role") not in ROLES:
            # the outcome rule reads the role, so a criterion without one cannot be decided
            raise _fail(
                path,
                row_id,
                f"{where}: role must be one of {', '.join(ROLES)} (got {item.get('role')!r})",
            )
        check = item.get("check")
        schema = PARAMS.get(str(check))
        if schema is None:
            raise _fail(path, row_id, f"{where}: unknown check {check!r} (known: {sorted(PARAMS)})")
        try:
            params = schema.model_validate(item.get("params") or {})
        except ValidationError as exc:
            raise _fail(path, row_id, f"{where}: params.{_first_error(exc)}") from exc
        try:
            criteria.append(Criterion.model_validate({**item, "params": params}))
        except ValidationError as exc:
            raise _fail(path, row_id, f"{where}: {_first_error(exc)}") from exc
    return criteria


def _check_criteria(path: Path, rec: Recommendation) -> None:
    seen: set[str] = set()
    for crit in rec.criteria:
        if crit.id in seen:
            raise _fail(path, rec.id, f"criterion id {crit.id!r} repeated")
        seen.add(crit.id)
        if crit.required and not crit.gap and crit.check != "not_recommended":
            raise _fail(
                path, rec.id, f"criterion {crit.id}: a required criterion needs a gap sentence"
            )
    unknown_classes = [c for c in rec.treatments.while_taking if c not in drug_class_names()]
    if unknown_classes:
        raise _fail(
            path, rec.id, f"treatments.while_taking: unknown drug class(es) {unknown_classes}"
        )
    if rec.status == "not_recommended" and not any(
        c.check == "not_recommended" for c in rec.criteria
    ):
        raise _fail(path, rec.id, "a not_recommended row needs a not_recommended criterion")
    if not rec.criteria:
        raise _fail(path, rec.id, "a row needs at least one criterion")


def parse_file(path: Path, root: Path = DATA_DIR) -> LoadedFile:
    """Parse and validate one guideline file; every row is expanded per edition."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise _fail(path, None, f"not valid YAML{line}") from exc
    if not isinstance(raw, dict) or "document" not in raw or "rows" not in raw:
        raise _fail(path, None, "expected a mapping with 'document' and 'rows'")
    try:
        doc = GuidelineDocument.model_validate(
            {
                **raw["document"],
                "file": str(path.relative_to(root)) if path.is_relative_to(root) else path.name,
            }
        )
    except ValidationError as exc:
        raise _fail(path, None, f"document: {_first_error(exc)}") from exc
    if not isinstance(raw["rows"], list) or not raw["rows"]:
        raise _fail(path, None, "'rows' must be a non-empty list")

    rows: list[Recommendation] = []
    also: dict[str, list[str]] = {}
    for index, item in enumerate(raw["rows"]):
        if not isinstance(item, dict):
            raise _fail(path, f"#{index + 1}", "a row must be a mapping")
        row_id = str(item.get("id") or f"#{index + 1}")
        fields = {k: v for k, v in item.items() if k not in ROW_EXTRA_KEYS}
        if "criteria" in fields:  # validated once per row, shared by its editions
            fields["criteria"] = _criteria(path, row_id, fields["criteria"])
        extra_sections = item.get("also_cited_as") or []
        if not isinstance(extra_sections, list):
            raise _fail(path, row_id, "also_cited_as must be a list")
        only = item.get("only_editions")
        if only is not None and (
            not isinstance(only, list)
            or not set(map(str, only)) <= {e.edition for e in doc.editions}
        ):
            raise _fail(
                path, row_id, f"only_editions must list editions of the document, got {only!r}"
            )
        for ed in doc.editions:
            if only is not None and ed.edition not in {str(o) for o in only}:
                continue
            provenance = dict(fields.get("provenance") or {})
            if "source" in provenance:
                provenance["source"] = f"{doc.source}; {provenance['source']}"
            else:
                provenance["source"] = doc.source
            values = {
                "guideline": doc.guideline,
                "chapter": doc.chapter,
                "level": doc.level,
                "effective_from": ed.effective_from,
                "effective_to": ed.effective_to,
                **fields,
                "id": f"{ed.id_prefix}.{row_id}",
                "edition": ed.edition,
                "provenance": provenance,
            }
            if not ed.pages:
                values["pages"] = None
            try:
                rec = Recommendation.model_validate(values)
            except ValidationError as exc:
                raise _fail(path, row_id, _first_error(exc)) from exc
            _check_criteria(path, rec)
            rows.append(rec)
            also[rec.id] = [str(s) for s in extra_sections]
    return LoadedFile(document=doc, rows=rows, also_cited_as=also)


def load_files(data_dir: Path = DATA_DIR) -> list[LoadedFile]:
    files = data_files(data_dir)
    if not files:
        raise KnowledgeBaseError(f"{data_dir}: no guideline files found")
    loaded = [parse_file(p, data_dir) for p in files]
    seen_ids: dict[str, str] = {}
    seen_docs: dict[str, str] = {}
    for lf in loaded:
        if lf.document.key in seen_docs:
            raise KnowledgeBaseError(
                f"{lf.document.file}: document key {lf.document.key!r} also used in {seen_docs[lf.document.key]}"
            )
        seen_docs[lf.document.key] = lf.document.file
        for rec in lf.rows:
            if rec.id in seen_ids:
                raise KnowledgeBaseError(
                    f"{lf.document.file}: row {rec.id}: id also used in {seen_ids[rec.id]}"
                )
            seen_ids[rec.id] = lf.document.file
    return loaded
