"""The precedent corpus in the store: a plain repository over the domain's precedent models.

Adding is idempotent by case number: the same letter again writes nothing; a changed letter (its
content hash differs) has its rows replaced, and the replacement goes into the audit log. Each
letter is one transaction with its audit entry, so a failure leaves no half-written letter.

Search runs the engine's own full-text ranking (SQLite FTS5 BM25, PostgreSQL ts_rank) over three
fields (the item with its parsed fields, the cited guideline, the rationale), then ranks the
candidates by structured agreement first, text second (`rank_weights`). The caller parses the
query (openimr.corpus); the store never imports a stage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from openimr.domain.precedent import (
    AddOutcome,
    OutcomeCount,
    PrecedentHit,
    PrecedentItem,
    PrecedentLetter,
    PrecedentQuery,
)
from openimr.store.models import PrecedentItemRow, PrecedentLetterRow
from openimr.store.store import Store

# Structured agreement outranks words: a same-category item comes before any other, then one on
# the same body region, then the same drug; the normalized text score (0..1) orders within.
RANK_WEIGHTS: dict[str, float] = {"category": 4.0, "region": 2.0, "drug": 1.0, "text": 1.0}
# FTS5 bm25() column weights and PostgreSQL ts_rank weights {D, C, B, A}: item, guideline, rationale
_BM25_WEIGHTS = (4.0, 2.0, 1.0)
_PG_WEIGHTS = "{0.0, 0.25, 0.5, 1.0}"
_TEXT_CANDIDATES = 60  # per text search (unrestricted, and within the query's category)
_EXCERPT_CHARS = 240
_TERM = re.compile(r"^[a-z0-9]+$")
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _bars(values: Iterable[str]) -> str:
    """'|a|b|' so that one LIKE '%|a|%' finds a value on either backend."""
    values = list(values)
    return "|" + "|".join(values) + "|" if values else ""


def _unbars(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


def search_text(item: PrecedentItem) -> str:
    """What the item field of the index holds: the treatment text and the fields read from it."""
    parts = [item.treatment, item.category.replace("_", " ")]
    if item.drug:
        parts.append(item.drug.replace("/", " "))
    parts.extend(item.body_parts)
    return " ".join(parts)


class PrecedentRepository:
    """The precedent tables of one open store (`PrecedentRepository(open_store(url))`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def _pg(self) -> bool:
        return self.store.engine.dialect.name == "postgresql"

    # ----------------------------------------------------------------- writing

    def add_letter(self, letter: PrecedentLetter, actor: str) -> AddOutcome:
        """Store a letter's decided items: added, unchanged (nothing written) or replaced (logged)."""
        store = self.store
        with store._tx() as session:
            row = session.get(PrecedentLetterRow, letter.case_number, with_for_update=True)
            if row is not None and row.content_hash == letter.content_hash:
                return AddOutcome(
                    case_number=letter.case_number,
                    action="unchanged",
                    items=row.items,
                    source_name=letter.source_name,
                )
            action = "added" if row is None else "replaced"
            detail: dict[str, Any] = {"items": len(letter.items), "hash": letter.content_hash}
            if row is None:
                row = PrecedentLetterRow(case_number=letter.case_number)
                session.add(row)
            else:
                detail.update(previous_hash=row.content_hash, previous_items=row.items)
                self._delete_items(session, letter.case_number)
            row.content_hash = letter.content_hash
            row.source_name = letter.source_name
            row.items = len(letter.items)
            row.added_at = dt.datetime.now(dt.UTC)
            session.flush()
            self._insert_items(session, letter.items)
            store._checkpoint("precedent_items_inserted")
            store._append_audit(
                session, actor, f"corpus_{'add' if action == 'added' else 'replace'}",
                letter.case_number, detail,
            )  # fmt: skip
            return AddOutcome(
                case_number=letter.case_number,
                action=action,
                items=len(letter.items),
                source_name=letter.source_name,
            )

    def _delete_items(self, session: Session, case_number: str) -> None:
        if not self._pg:
            session.execute(
                text(
                    "DELETE FROM precedent_fts WHERE rowid IN "
                    "(SELECT id FROM precedent_items WHERE case_number = :c)"
                ),
                {"c": case_number},
            )
        session.execute(delete(PrecedentItemRow).where(PrecedentItemRow.case_number == case_number))

    def _insert_items(self, session: Session, items: list[PrecedentItem]) -> None:
        rows = [
            PrecedentItemRow(
                case_number=it.case_number,
                item=it.item,
                treatment=it.treatment,
                decision=it.decision,
                category=it.category,
                drug=it.drug,
                body_parts=_bars(it.body_parts),
                regions=_bars(it.regions),
                guideline=it.guideline,
                guideline_name=it.guideline_name,
                section=it.section,
                guideline_text=it.guideline_text,
                rationale=it.rationale,
                reviewer_specialty=it.reviewer_specialty,
                decision_date=it.decision_date,
                search_text=search_text(it),
                item_json=it.model_dump(mode="json"),
            )
            for it in items
        ]
        session.add_all(rows)
        session.flush()
        if not self._pg:
            session.execute(
                text(
                    "INSERT INTO precedent_fts (rowid, item_text, guideline_text, rationale) "
                    "VALUES (:id, :i, :g, :r)"
                ),
                [
                    {
                        "id": r.id,
                        "i": r.search_text,
                        "g": f"{r.guideline_name or ''} {r.guideline_text or ''}",
                        "r": r.rationale or "",
                    }
                    for r in rows
                ],
            )

    # ----------------------------------------------------------------- reading

    def counts(self) -> tuple[int, int]:
        """(letters, items) in the corpus."""
        with self.store._tx() as session:
            letters = session.execute(select(func.count()).select_from(PrecedentLetterRow))
            items = session.execute(select(func.count()).select_from(PrecedentItemRow))
            return letters.scalar_one(), items.scalar_one()

    def items(self, case_number: str | None = None) -> list[PrecedentItem]:
        with self.store._tx() as session:
            query = select(PrecedentItemRow.item_json).order_by(
                PrecedentItemRow.case_number, PrecedentItemRow.item
            )
            if case_number is not None:
                query = query.where(PrecedentItemRow.case_number == case_number)
            return [PrecedentItem.model_validate(j) for j in session.execute(query).scalars()]

    def outcome_counts(self) -> dict[str, list[OutcomeCount]]:
        """Upheld/overturned counts by category, guideline, year, specialty and body region.

        Grouped here in Python over one column read, so both backends count identically (an item
        on two regions counts once in each)."""
        columns = (
            PrecedentItemRow.decision,
            PrecedentItemRow.category,
            PrecedentItemRow.guideline,
            PrecedentItemRow.decision_date,
            PrecedentItemRow.reviewer_specialty,
            PrecedentItemRow.regions,
        )
        tallies: dict[str, Counter[tuple[str, str]]] = {
            d: Counter() for d in ("category", "guideline", "year", "specialty", "region")
        }
        with self.store._tx() as session:
            for decision, category, guideline, day, specialty, regions in session.execute(
                select(*columns)
            ):
                tallies["category"][(category, decision)] += 1
                tallies["guideline"][(guideline or "none cited", decision)] += 1
                tallies["year"][(str(day.year) if day else "unknown", decision)] += 1
                tallies["specialty"][(specialty or "unknown", decision)] += 1
                for region in _unbars(regions) or ["none"]:
                    tallies["region"][(region, decision)] += 1
        out: dict[str, list[OutcomeCount]] = {}
        for dim, tally in tallies.items():
            values = sorted({value for value, _ in tally})
            out[dim] = [
                OutcomeCount(
                    value=v, upheld=tally[(v, "Upheld")], overturned=tally[(v, "Overturned")]
                )
                for v in values
            ]
        return out

    # ----------------------------------------------------------------- search

    def search(self, query: PrecedentQuery, limit: int = 10) -> list[PrecedentHit]:
        """The `limit` best matches: structured agreement first, then full-text rank."""
        terms = [t for t in query.terms if _TERM.match(t)]
        with self.store._tx() as session:
            scores: dict[int, float] = {}
            if terms:
                scores.update(self._text_ranks(session, terms, query, None))
                if query.category:
                    scores.update(self._text_ranks(session, terms, query, query.category))
            ids = set(scores)
            if len(ids) < limit and query.category:
                ids.update(self._structured_ids(session, query, limit))
            if not ids:
                return []
            rows = session.execute(
                select(PrecedentItemRow).where(PrecedentItemRow.id.in_(ids))
            ).scalars()
            top = max(scores.values(), default=0.0) or 1.0
            hits = [self._hit(row, query, terms, scores.get(row.id, 0.0) / top) for row in rows]
        hits.sort(key=lambda h: (-h.score, h.case_number, h.item))
        return hits[:limit]

    def _text_ranks(
        self, session: Session, terms: list[str], query: PrecedentQuery, category: str | None
    ) -> dict[int, float]:
        """item id -> text relevance (higher is better) of the best text matches."""
        params: dict[str, Any] = {
            "n": _TEXT_CANDIDATES,
            "x": query.exclude_case or "",
            "c": category,
        }
        where = "i.case_number != :x" + (" AND i.category = :c" if category else "")
        if self._pg:
            params["q"] = " | ".join(terms)
            sql = (
                f"SELECT i.id, ts_rank('{_PG_WEIGHTS}', i.search_vector, q, 1) AS s "
                "FROM precedent_items i, to_tsquery('english', :q) q "
                f"WHERE i.search_vector @@ q AND {where} ORDER BY s DESC, i.id LIMIT :n"
            )
        else:
            params["q"] = " OR ".join(f'"{t}"' for t in terms)
            weights = ", ".join(str(w) for w in _BM25_WEIGHTS)
            sql = (
                f"SELECT i.id, -bm25(precedent_fts, {weights}) AS s FROM precedent_fts f "
                "JOIN precedent_items i ON i.id = f.rowid "
                f"WHERE precedent_fts MATCH :q AND {where} ORDER BY s DESC, i.id LIMIT :n"
            )
        return {row.id: float(row.s) for row in session.execute(text(sql), params)}

    def _structured_ids(self, session: Session, query: PrecedentQuery, limit: int) -> list[int]:
        """Same-category (and same-region) items for a query whose words matched too few."""
        q = select(PrecedentItemRow.id).where(PrecedentItemRow.category == query.category)
        if query.exclude_case:
            q = q.where(PrecedentItemRow.case_number != query.exclude_case)
        if query.regions:
            q = q.where(or_(*[PrecedentItemRow.regions.like(f"%|{r}|%") for r in query.regions]))
        q = q.order_by(PrecedentItemRow.case_number, PrecedentItemRow.item).limit(limit)
        return list(session.execute(q).scalars())

    def _hit(
        self, row: PrecedentItemRow, query: PrecedentQuery, terms: list[str], text_score: float
    ) -> PrecedentHit:
        why: list[str] = []
        score = RANK_WEIGHTS["text"] * text_score
        if query.category and row.category == query.category:
            score += RANK_WEIGHTS["category"]
            why.append(f"same category: {row.category}")
        shared = [r for r in query.regions if r in _unbars(row.regions)]
        if shared:
            score += RANK_WEIGHTS["region"]
            parts = [p for p in _unbars(row.body_parts) if p in query.body_parts]
            on = f" ({', '.join(parts)})" if parts else ""
            why.append(f"same body region: {', '.join(shared)}{on}")
        if query.drug and row.drug == query.drug:
            score += RANK_WEIGHTS["drug"]
            why.append(f"same drug: {row.drug}")
        words = _matched_words(terms, row)
        if words:
            why.append(f"words matched: {', '.join(words)} (text score {text_score:.2f})")
        return PrecedentHit(
            case_number=row.case_number,
            item=row.item,
            treatment=row.treatment,
            category=row.category,
            decision=row.decision,  # type: ignore[arg-type]
            guideline=row.guideline,
            excerpt=_excerpt(row.rationale or row.treatment, terms),
            score=round(score, 4),
            why=why,
        )


def _stem(word: str) -> str:
    """A crude stem for explaining matches only (the engines do the real stemming)."""
    return word[:5] if len(word) > 5 else word


def _matched_words(terms: list[str], row: PrecedentItemRow) -> list[str]:
    haystack = " ".join(
        (row.search_text, row.guideline_name or "", row.guideline_text or "", row.rationale or "")
    ).lower()
    stems = {_stem(w) for w in _WORD.findall(haystack)}
    return [t for t in terms if _stem(t) in stems]


def _excerpt(body: str, terms: list[str]) -> str:
    """The rationale's sentence with most query words (the first on a tie), cut to length."""
    sentences = [s.strip() for s in _SENTENCE.split(" ".join(body.split())) if s.strip()]
    if not sentences:
        return ""
    stems = {_stem(t) for t in terms}

    def hits(sentence: str) -> int:
        return len({_stem(w) for w in _WORD.findall(sentence.lower())} & stems)

    best = max(sentences, key=hits)  # max keeps the first of equals
    return best if len(best) <= _EXCERPT_CHARS else best[: _EXCERPT_CHARS - 3].rstrip() + "..."
