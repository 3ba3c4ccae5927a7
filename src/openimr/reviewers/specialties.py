"""Specialty matching as data: which specialties evaluate and treat which requests and conditions.

`data/specialty_map.yaml` is validated at load time: every specialty named in a tier, group or
condition row must be declared, and every treatment category of the request contract must have a
row, so a typo fails loudly instead of silently excluding reviewers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from openimr.domain.common import Model
from openimr.domain.request import BODY_PARTS, CATEGORIES, TreatmentRequest
from openimr.errors import KnowledgeBaseError

SPECIALTY_MAP_FILE = Path(__file__).parent / "data" / "specialty_map.yaml"


class SpecialtyRow(Model):
    name: str
    degrees: list[str] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    surgical: bool = False


class Tiers(Model):
    primary: list[str] = Field(default_factory=list)
    similar: list[str] = Field(default_factory=list)


class SurgeryRow(Tiers):
    body_parts: list[str] = Field(min_length=1)


class ConditionRow(Model):
    pattern: str
    specialties: list[str] = Field(min_length=1)


class FitScores(Model):
    primary: float = Field(gt=0, le=1)
    similar: float = Field(gt=0, le=1)
    condition_bonus: float = Field(ge=0, le=1)


class SpecialtyMapFile(Model):
    version: int
    provenance: str
    fit: FitScores
    specialties: list[SpecialtyRow] = Field(min_length=1)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    categories: dict[str, Tiers]
    surgery_by_body_part: list[SurgeryRow]
    surgery_unknown_body_part: Literal["primary", "similar"] = "similar"
    ancillary_to_surgery_patterns: list[str] = Field(default_factory=list)
    conditions: list[ConditionRow] = Field(default_factory=list)


# An item's requirement: specialty -> fit (best tier), plus a label for reasons.
ItemNeed = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class CaseNeed:
    """What a case asks of its reviewer's specialty: one need per item that must be covered."""

    items: tuple[tuple[str, ItemNeed], ...]  # (item label, need)
    condition_specialties: frozenset[str]


class SpecialtyMap:
    def __init__(self, spec: SpecialtyMapFile, source: str = "<specialty map>") -> None:
        self.source = source
        self.fit = spec.fit
        self.rows = {row.name: row for row in spec.specialties}
        self._canonical: dict[str, str] = {}
        for row in spec.specialties:
            for name in (row.name, *row.aliases):
                key = _key(name)
                if key in self._canonical and self._canonical[key] != row.name:
                    self._fail(
                        f"specialties: '{name}' names both {self._canonical[key]} and {row.name}"
                    )
                self._canonical[key] = row.name
        self.groups = {
            g: [self._declared(n, f"groups.{g}") for n in names] for g, names in spec.groups.items()
        }
        missing = [c for c in CATEGORIES if c not in spec.categories]
        if missing:
            self._fail(f"categories: no row for {', '.join(missing)}")
        unknown = [c for c in spec.categories if c not in CATEGORIES]
        if unknown:
            self._fail(f"categories: unknown category {', '.join(unknown)}")
        self.categories = {c: self._tiers(t, f"categories.{c}") for c, t in spec.categories.items()}
        self.surgery: list[tuple[frozenset[str], dict[str, float]]] = []
        for i, row in enumerate(spec.surgery_by_body_part):
            bad = [b for b in row.body_parts if b not in BODY_PARTS]
            if bad:
                self._fail(f"surgery_by_body_part[{i}]: unknown body part {', '.join(bad)}")
            tiers = self._tiers(row, f"surgery_by_body_part[{i}]")
            non_surgical = [s for s in tiers if not self.rows[s].surgical]
            if non_surgical:
                self._fail(f"surgery_by_body_part[{i}]: not surgical: {', '.join(non_surgical)}")
            self.surgery.append((frozenset(row.body_parts), tiers))
        unknown_fit = getattr(self.fit, spec.surgery_unknown_body_part)
        self.surgery_any = {n: unknown_fit for n, r in self.rows.items() if r.surgical}
        try:
            self.ancillary = [
                re.compile(p, re.IGNORECASE) for p in spec.ancillary_to_surgery_patterns
            ]
            self.conditions = [
                (
                    re.compile(c.pattern, re.IGNORECASE),
                    frozenset(self._declared(s, f"conditions[{i}]") for s in c.specialties),
                )
                for i, c in enumerate(spec.conditions)
            ]
        except re.error as exc:
            self._fail(f"bad pattern: {exc}")
        self._item_cache: dict[tuple, ItemNeed] = {}

    def _fail(self, message: str) -> None:
        raise KnowledgeBaseError(f"{self.source}: {message}")

    def _declared(self, name: str, where: str) -> str:
        canonical = self._canonical.get(_key(name))
        if canonical is None:
            self._fail(f"{where}: unknown specialty '{name}'")
        return canonical  # type: ignore[return-value]

    def _expand(self, names: Iterable[str], where: str) -> list[str]:
        out: list[str] = []
        for name in names:
            if name.startswith("@"):
                if name[1:] not in self.groups:
                    self._fail(f"{where}: unknown group '{name}'")
                out.extend(self.groups[name[1:]])
            else:
                out.append(self._declared(name, where))
        return out

    def _tiers(self, tiers: Tiers, where: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for name in self._expand(tiers.similar, where):
            out[name] = self.fit.similar
        for name in self._expand(tiers.primary, where):
            out[name] = self.fit.primary  # primary wins when a name is in both tiers
        return out

    # --- public --------------------------------------------------------------------------

    def canonical(self, name: str) -> str | None:
        """The specialty as printed in letters, or None if the map does not know the name."""
        return self._canonical.get(_key(name))

    def allowed_for_degree(self, specialty: str, degree: str) -> bool:
        row = self.rows.get(specialty)
        return row is not None and degree in row.degrees

    def item_need(self, request: TreatmentRequest) -> ItemNeed:
        """Specialties that can decide this item, with their fit (best first)."""
        key = (request.category, tuple(sorted(request.body_parts)))
        cached = self._item_cache.get(key)
        if cached is not None:
            return cached
        if request.category == "surgery":
            need: dict[str, float] = {}
            parts = set(request.body_parts)
            for body_parts, tiers in self.surgery:
                if parts & body_parts:
                    for name, fit in tiers.items():
                        need[name] = max(fit, need.get(name, 0.0))
            if not need:
                need = dict(self.surgery_any)
        else:
            need = dict(self.categories[request.category])
        result = tuple(sorted(need.items(), key=lambda kv: (-kv[1], kv[0])))
        self._item_cache[key] = result
        return result

    def is_ancillary_to_surgery(self, text: str) -> bool:
        return any(p.search(text) for p in self.ancillary)

    def case_need(
        self, requests: Sequence[TreatmentRequest], diagnoses: Iterable[str] = ()
    ) -> CaseNeed:
        """The needs a reviewer must cover.  In a case with a surgical request, the services tied
        to the operation are decided by the surgeon, so they take the surgical need."""
        surgical = [r for r in requests if r.category == "surgery"]
        surgical_need: dict[str, float] = {}
        for r in surgical:
            for name, fit in self.item_need(r):
                surgical_need[name] = max(fit, surgical_need.get(name, 0.0))
        items: list[tuple[str, ItemNeed]] = []
        for i, r in enumerate(requests, start=1):
            label = f"item {i} ({r.category})"
            if surgical and r.category != "surgery" and self.is_ancillary_to_surgery(r.text):
                merged = dict(self.item_need(r))
                for name, fit in surgical_need.items():
                    merged[name] = max(fit, merged.get(name, 0.0))
                items.append((label, tuple(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))))
            else:
                items.append((label, self.item_need(r)))
        conditions: set[str] = set()
        for text in diagnoses:
            for pattern, names in self.conditions:
                if pattern.search(text):
                    conditions |= names
        return CaseNeed(tuple(items), frozenset(conditions))


def _key(name: str) -> str:
    return " ".join(name.lower().replace("&", " and ").replace(",", " ").split())


@lru_cache(maxsize=4)
def load_specialty_map(path: Path = SPECIALTY_MAP_FILE) -> SpecialtyMap:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = SpecialtyMapFile.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read specialty map ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeBaseError(f"{path}: {where}: {first['msg']}") from None
    return SpecialtyMap(spec, str(path))
