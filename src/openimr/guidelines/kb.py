"""The knowledge base: every validated row, indexed for lookup and citation matching.

The search over it is `openimr.guidelines.search.search(kb, request)`, which builds on this module.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from openimr import build_cache, domain
from openimr.domain.guideline import Recommendation, SearchLevel
from openimr.errors import NotFoundError
from openimr.guidelines.loader import DATA_DIR, GuidelineDocument, LoadedFile, load_files
from openimr.guidelines.normalize import CitationRef, section_keys, tokens
from openimr.knowledge import drugs as drug_knowledge
from openimr.requests import lexicon

LEVEL_ORDER: tuple[SearchLevel, ...] = ("mtus", "acoem_odg", "other_guideline", "peer_reviewed")


def in_force(rec: Recommendation, on: dt.date | None) -> bool:
    """Whether the row's edition applies on `on` (None: every edition counts)."""
    if on is None:
        return True
    if rec.effective_from is not None and on < rec.effective_from:
        return False
    return not (rec.effective_to is not None and on > rec.effective_to)


def _section_number(key: str) -> tuple[str, ...]:
    """The leading section number of a normalized section key ("3 3 9 opioid ..." -> 3, 3, 9)."""
    number: list[str] = []
    for word in key.split():
        if not word.isdigit():
            break
        number.append(word)
    return tuple(number)


class KnowledgeBase:
    """Immutable after construction; build it with `load_knowledge_base()`."""

    def __init__(self, files: list[LoadedFile]):
        self.documents: dict[str, GuidelineDocument] = {f.document.key: f.document for f in files}
        self.rows: list[Recommendation] = [r for f in files for r in f.rows]
        self._by_id = {r.id: r for r in self.rows}
        self._doc_of: dict[str, str] = {}
        self._keys_of: dict[str, set[str]] = {}
        self._known: dict[str, list[tuple[str, ...]]] = {}
        for f in files:
            known: set[tuple[str, ...]] = set()
            for rec in f.rows:
                self._doc_of[rec.id] = f.document.key
                keys: set[str] = set()
                for name in [rec.section, *f.also_cited_as.get(rec.id, [])]:
                    keys |= section_keys(name)
                self._keys_of[rec.id] = keys
                known |= {tuple(k.split()) for k in keys}
            self._known[f.document.key] = sorted(known, key=lambda k: (-len(k), k))
        self._names: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for level in LEVEL_ORDER:
            names = {
                tuple(tokens(n)): d.key
                for d in self.documents.values()
                if (d.level == level or (level == "acoem_odg" and d.level != "mtus"))
                for n in d.names()
            }
            self._names[level] = sorted(names.items(), key=lambda kv: (-len(kv[0]), kv[0]))

    # lookup -------------------------------------------------------------------------------
    def get(self, row_id: str) -> Recommendation:
        try:
            return self._by_id[row_id]
        except KeyError:
            raise NotFoundError(
                f"guideline row {row_id!r} not found (see `openimr guidelines list`)"
            ) from None

    def __len__(self) -> int:
        return len(self.rows)

    def document_of(self, row_id: str) -> GuidelineDocument:
        return self.documents[self._doc_of[row_id]]

    def section_keys_of(self, row_id: str) -> set[str]:
        return self._keys_of[row_id]

    def known_sections(self, doc_key: str) -> list[tuple[str, ...]]:
        if doc_key == "odg":
            return sorted(
                {k for key, ks in self._known.items() if key.startswith("odg") for k in ks},
                key=lambda k: (-len(k), k),
            )
        return self._known.get(doc_key, [])

    def document_names(self, level: SearchLevel) -> list[tuple[tuple[str, ...], str]]:
        return self._names[level]

    # citations ------------------------------------------------------------------------------
    def ref_matches(self, ref: CitationRef, rec: Recommendation) -> bool:
        """Whether row `rec` is the guideline document and section that `ref` cites."""
        doc = self._doc_of[rec.id]
        if ref.guideline_key == "odg":
            if not doc.startswith("odg"):
                return False
        elif doc != ref.guideline_key:
            return False
        if ref.section_key is None or ref.section_key in self._keys_of[rec.id]:
            return True
        return self._within_numbered_section(ref, rec)

    def _within_numbered_section(self, ref: CitationRef, rec: Recommendation) -> bool:
        """A numbered section covers its subsections: a citation of "3.3" names the row "3.3.9"."""
        cited = _section_number(ref.section_key or "")
        if not cited:
            return False
        return any(
            len(number) > len(cited) and number[: len(cited)] == cited
            for number in map(_section_number, self._keys_of[rec.id])
        )

    def resolve(self, ref: CitationRef, on: dt.date | None = None) -> list[Recommendation]:
        """Rows a citation names; the section itself before its subsections, the cited edition
        first, then the newest."""
        rows = [r for r in self.rows if self.ref_matches(ref, r) and in_force(r, on)]
        rows.sort(
            key=lambda r: (
                ref.section_key is not None and ref.section_key not in self._keys_of[r.id],
                r.edition != ref.edition,
                -(r.effective_from or dt.date.min).toordinal(),
                r.id,
            )
        )
        return rows


def _cache_key(data_dir: Path) -> str:
    """Everything the validated knowledge base is built from: the guideline and lexicon files,
    the drug classes they are checked against, and the code of this package and of the domain."""
    sources = [
        *data_dir.rglob("*.yaml"),
        *Path(__file__).parent.glob("*.py"),
        *Path(domain.__file__).parent.glob("*.py"),
        *lexicon.DATA_DIR.glob("*.yaml"),
        Path(lexicon.__file__),
        *drug_knowledge.knowledge_files(),
    ]
    return build_cache.cache_key(sources, ["pyyaml", "pydantic"])


@functools.lru_cache(maxsize=4)
def _load(data_dir: str) -> KnowledgeBase:
    # parsed once per change of a file it depends on (openimr.build_cache), else unpickled
    path = Path(data_dir)
    return build_cache.cached_build(
        "guidelines-kb", _cache_key(path), lambda: KnowledgeBase(load_files(path))
    )


def load_knowledge_base(data_dir: str | Path | None = None) -> KnowledgeBase:
    """Load and validate every guideline file (cached per directory)."""
    return _load(str(Path(data_dir) if data_dir is not None else DATA_DIR))
