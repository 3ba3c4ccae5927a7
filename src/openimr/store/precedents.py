"""The precedent corpus in the store: a plain repository over the domain's precedent models.

Adding is idempotent by case number: the same letter again writes nothing; a changed letter (its
content hash differs) has its rows replaced, and the replacement goes into the audit log. Each
letter is one transaction with its audit entry, so a failure leaves no half-written letter.

Search runs the engine's own full-text ranking (SQLite FTS5 BM25, PostgreSQL ts_rank) over three
fields (the item with its parsed fields, the cited guideline, the rationale), then ranks the
candidates by structured agreement first, text second (`RANK_WEIGHTS`): the same category, body
region, governing guideline (the document the guideline search finds for the query on the item's
own decision date), body part and drug. The caller parses the
query (openimr.corpus); the store never imports a stage.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import Date, delete, func, or_, select, text
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
# the same body region, the same body part, the same drug; the normalized text score (0..1)
# orders within.
RANK_WEIGHTS: dict[str, float] = {
    "category": 8.0,  # more than all the others together
    "region": 2.0,
    # the item cites the document the guideline search finds for the query on the item's date:
    # decided under the same guideline; after the region (the same category and region first)
    "guideline": 1.5,
    "part": 1.0,  # the guideline chapters go by body part: the knee's is not the hip's
    "drug": 1.0,
    "text": 1.0,
}
assert RANK_WEIGHTS["category"] > sum(w for k, w in RANK_WEIGHTS.items() if k != "category")
# FTS5 bm25() column weights and PostgreSQL ts_rank weights {D, C, B, A}: item, guideline, rationale
_BM25_WEIGHTS = (4.0, 2.0, 1.0)
_PG_WEIGHTS = "{0.0, 0.25, 0.5, 1.0}"
_EXCERPT_CHARS = 240
# text matches ranked per query: enough that the structured order has the best of them to choose
# from, few enough that scoring them stays cheap on a large corpus
_TEXT_POOL = 200
# A word most items contain ("pain", "chronic") says little about which items are alike, yet an
# OR of such words matches most of a large corpus, and both engines then score every match (on
# PostgreSQL, ts_rank costs microseconds a row and has no inverse document frequency at all). So,
# as in Elasticsearch's common-terms query, on a corpus of COMMON_MIN_ITEMS or more a word found
# in more than COMMON_SHARE of the items is left out of the text query; when every word is that
# common, items must contain them all. Smaller corpora are searched on every word.
COMMON_SHARE = 0.10
COMMON_MIN_ITEMS = 1000
# per open store: the corpus version (highest item id, latest letter added), its item count, and
# the items per word counted so far
_WORD_COUNTS: weakref.WeakKeyDictionary[Store, tuple[tuple[Any, ...], int, dict[str, int]]] = (
    weakref.WeakKeyDictionary()
)
_TERM = re.compile(r"^[a-z0-9]+$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _bars(values: Iterable[str]) -> str:
    """'|a|b|' so that one LIKE '%|a|%' finds a value on either backend."""
    values = list(values)
    return "|" + "|".join(values) + "|" if values else ""


def _unbars(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


def _shared(values: list[str], bars: str) -> list[str]:
    """The values also in a '|a|b|' column value, in the query's order."""
    return [v for v in values if f"|{v}|" in bars] if bars else []


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
        """The `limit` best matches: structured agreement first, then full-text rank.

        The engine's ranked text match picks the best `_TEXT_POOL` items; a query whose category
        has fewer than `limit` among them searches again within its category (so a same-category
        item is never crowded out by wordier ones), then falls back on category alone. The
        candidates are scored from a few light columns; only the winners are read whole."""
        terms = [t for t in query.terms if _TERM.match(t)]
        with self.store._tx() as session:
            found = self._candidates(session, terms, query, None) if terms else []
            if query.category and sum(c.cm for c in found) < limit:
                seen = {c.id for c in found}
                more = self._candidates(session, terms, query, query.category) if terms else []
                more += self._structured(session, query, limit)
                for c in more:
                    if c.id not in seen:
                        seen.add(c.id)
                        found.append(c)
            if not found:
                return []
            top = max((c.s for c in found), default=0.0) or 1.0
            # the order from the numbers alone; the reasons are written for the winners only
            best = sorted(
                found,
                key=lambda c: (-self._score(c, query, c.s / top, False)[0], c.case_number, c.item),
            )[:limit]
            scored = [(self._score(c, query, c.s / top), c) for c in best]
            rows = {
                r.id: r
                for r in session.execute(
                    select(PrecedentItemRow).where(
                        PrecedentItemRow.id.in_([c.id for _, c in scored])
                    )
                ).scalars()
            }
            pattern = _stem_pattern(terms)
            return [
                self._hit(rows[c.id], terms, pattern, score, why, c.s / top)
                for (score, why), c in scored
            ]

    def _candidates(
        self, session: Session, terms: list[str], query: PrecedentQuery, category: str | None
    ) -> list[Any]:
        """The best `_TEXT_POOL` text matches (only of `category` when given), with flags for
        what they share with the query."""
        params: dict[str, Any] = {"n": _TEXT_POOL, "x": query.exclude_case or ""}
        params.update(c=query.category or "", d=query.drug or "", k=category or "")
        regions = _like_any("i.regions", "r", query.regions, params)
        parts = _like_any("i.body_parts", "p", query.body_parts, params)
        columns = (
            "i.id, i.case_number, i.item, i.category, i.regions, i.body_parts, i.drug, "
            "i.guideline, i.decision_date, "
            "CASE WHEN i.category = :c THEN 1 ELSE 0 END AS cm, "
            f"CASE WHEN {regions} THEN 1 ELSE 0 END AS rm, "
            f"CASE WHEN {parts} THEN 1 ELSE 0 END AS pm, "
            "CASE WHEN i.drug = :d THEN 1 ELSE 0 END AS dm, t.s"
        )
        within = "AND i.category = :k" if category else ""
        words, every = self._matching_words(session, terms)
        if self._pg:
            params["q"] = (" & " if every else " | ").join(words)
            pool = (
                f"SELECT i.id, ts_rank('{_PG_WEIGHTS}', i.search_vector, q, 1) AS s "
                "FROM precedent_items i, to_tsquery('english', :q) q "
                f"WHERE i.search_vector @@ q {within} ORDER BY s DESC, i.id LIMIT :n"
            )
        else:
            params["q"] = (" AND " if every else " OR ").join(f'"{t}"' for t in words)
            weights = ", ".join(str(w) for w in _BM25_WEIGHTS)
            join = "JOIN precedent_items i ON i.id = f.rowid" if category else ""
            pool = (
                f"SELECT f.rowid AS id, -bm25(precedent_fts, {weights}) AS s "
                f"FROM precedent_fts f {join} "
                f"WHERE precedent_fts MATCH :q {within} ORDER BY s DESC, f.rowid LIMIT :n"
            )
        sql = (
            f"WITH t AS ({pool}) SELECT {columns} FROM t JOIN precedent_items i ON i.id = t.id "
            "WHERE i.case_number != :x"
        )
        # typed, so that SQLite's text column comes back as a date as PostgreSQL's does
        typed = text(sql).columns(decision_date=Date)
        return [_Candidate(*row) for row in session.execute(typed, params)]

    def _matching_words(self, session: Session, terms: list[str]) -> tuple[list[str], bool]:
        """The words items must match (see COMMON_SHARE), and whether they must match them all."""
        items, counts = self._word_counts(session)
        if items < COMMON_MIN_ITEMS:
            return terms, False
        for term in terms:
            if term not in counts:
                counts[term] = self._items_with(session, term)
        rare = [t for t in terms if 0 < counts[t] <= COMMON_SHARE * items]
        if rare:
            return rare, False
        common = [t for t in terms if counts[t] > 0]
        return (common, True) if common else (terms, False)

    def _word_counts(self, session: Session) -> tuple[int, dict[str, int]]:
        """(items, items per word counted so far), forgotten when the corpus changes."""
        # SQLite may give a replaced letter's new items the old ids: its new added_at still differs
        version = tuple(
            session.execute(
                select(
                    select(func.max(PrecedentItemRow.id)).scalar_subquery(),
                    select(func.max(PrecedentLetterRow.added_at)).scalar_subquery(),
                )
            ).one()
        )
        cached = _WORD_COUNTS.get(self.store)
        if cached is None or cached[0] != version:
            items = session.execute(select(func.count()).select_from(PrecedentItemRow))
            cached = (version, items.scalar_one(), {})
            _WORD_COUNTS[self.store] = cached
        return cached[1], cached[2]

    def _items_with(self, session: Session, term: str) -> int:
        """How many items the engine's own text match finds for one word (0: a stop word)."""
        if self._pg:
            sql = (
                "SELECT count(*) FROM precedent_items "
                "WHERE search_vector @@ to_tsquery('english', :t)"
            )
        else:
            sql = "SELECT count(*) FROM precedent_fts WHERE precedent_fts MATCH :t"
        return session.execute(text(sql), {"t": term if self._pg else f'"{term}"'}).scalar_one()

    def _structured(self, session: Session, query: PrecedentQuery, limit: int) -> list[Any]:
        """Same-category (and same-region) items for a query whose words matched too few."""
        cols = (
            PrecedentItemRow.id,
            PrecedentItemRow.case_number,
            PrecedentItemRow.item,
            PrecedentItemRow.category,
            PrecedentItemRow.regions,
            PrecedentItemRow.body_parts,
            PrecedentItemRow.drug,
            PrecedentItemRow.guideline,
            PrecedentItemRow.decision_date,
        )
        q = select(*cols).where(PrecedentItemRow.category == query.category)
        if query.exclude_case:
            q = q.where(PrecedentItemRow.case_number != query.exclude_case)
        if query.regions:
            q = q.where(or_(*[PrecedentItemRow.regions.like(f"%|{r}|%") for r in query.regions]))
        q = q.order_by(PrecedentItemRow.case_number, PrecedentItemRow.item).limit(limit)
        return [_Candidate(*row, 0, 0, 0, 0, 0.0) for row in session.execute(q)]

    @staticmethod
    def _score(
        c: Any, query: PrecedentQuery, text_score: float, explain: bool = True
    ) -> tuple[float, list[str]]:
        """The structured agreement plus the normalized text score, and (`explain`) why."""
        why: list[str] = []
        score = RANK_WEIGHTS["text"] * text_score
        if query.category and c.category == query.category:
            score += RANK_WEIGHTS["category"]
            if explain:
                why.append(f"same category: {c.category}")
        regions = _shared(query.regions, c.regions)
        if regions:
            score += RANK_WEIGHTS["region"]
            if explain:
                why.append(f"same body region: {', '.join(regions)}")
        if c.guideline and governed_alike(query, c.guideline, c.decision_date):
            score += RANK_WEIGHTS["guideline"]
            if explain:
                why.append(f"cites {c.guideline}, the guideline found for this request on its date")
        parts = _shared(query.body_parts, c.body_parts)
        if parts:
            score += RANK_WEIGHTS["part"]
            if explain:
                why.append(f"same body part: {', '.join(parts)}")
        if query.drug and c.drug == query.drug:
            score += RANK_WEIGHTS["drug"]
            if explain:
                why.append(f"same drug: {c.drug}")
        return round(score, 4), why

    def _hit(
        self,
        row: PrecedentItemRow,
        terms: list[str],
        pattern: re.Pattern[str],
        score: float,
        why: list[str],
        text_score: float,
    ) -> PrecedentHit:
        words = _matched_words(terms, row, pattern)
        if words:
            why = [*why, f"words matched: {', '.join(words)} (text score {text_score:.2f})"]
        return PrecedentHit(
            case_number=row.case_number,
            item=row.item,
            treatment=row.treatment,
            category=row.category,
            decision=row.decision,  # type: ignore[arg-type]
            guideline=row.guideline,
            excerpt=_excerpt(row.rationale or row.treatment, pattern),
            score=score,
            why=why,
        )


class _Candidate(NamedTuple):
    id: int
    case_number: str
    item: int
    category: str
    regions: str
    body_parts: str
    drug: str | None
    guideline: str | None
    decision_date: dt.date | None
    cm: int
    rm: int
    pm: int
    dm: int
    s: float


def governed_alike(query: PrecedentQuery, guideline: str, decided: dt.date | None) -> bool:
    """Whether an item citing `guideline`, decided on `decided`, cites the document the query's
    search found for that date (any of the query's documents when the date is unknown)."""
    return any(
        g.document == guideline and (decided is None or g.covers(decided)) for g in query.guidelines
    )


def _like_any(column: str, prefix: str, values: list[str], params: dict[str, Any]) -> str:
    """`(col LIKE :p0 OR col LIKE :p1)` for '|value|' lists; a false condition for none."""
    if not values:
        return "1 = 0"
    for n, value in enumerate(values):
        params[f"{prefix}{n}"] = f"%|{value}|%"
    return "(" + " OR ".join(f"{column} LIKE :{prefix}{n}" for n in range(len(values))) + ")"


def _stem(word: str) -> str:
    """A crude stem for explaining matches only (the engines do the real stemming)."""
    return word[:5] if len(word) > 5 else word


def _stem_pattern(terms: list[str]) -> re.Pattern[str]:
    """Finds the words whose `_stem` is a term's: a word starting with a long term's first five
    letters, or a short term itself; each match is that term's `_stem`."""
    alternatives = {
        re.escape(_stem(t)) if len(t) >= 5 else re.escape(t) + "(?![a-z0-9])" for t in terms
    }
    body = "|".join(sorted(alternatives, key=len, reverse=True)) or "(?!)"
    return re.compile(f"(?<![a-z0-9])({body})")


def _found_stems(pattern: re.Pattern[str], body: str) -> set[str]:
    return set(pattern.findall(body.lower()))


def _matched_words(terms: list[str], row: PrecedentItemRow, pattern: re.Pattern[str]) -> list[str]:
    haystack = " ".join(
        (row.search_text, row.guideline_name or "", row.guideline_text or "", row.rationale or "")
    )
    found = _found_stems(pattern, haystack)
    return [t for t in terms if _stem(t) in found]


def _excerpt(body: str, pattern: re.Pattern[str]) -> str:
    """The rationale's sentence with most query words (the first on a tie), cut to length."""
    sentences = [s.strip() for s in _SENTENCE.split(" ".join(body.split())) if s.strip()]
    if not sentences:
        return ""
    best = max(sentences, key=lambda s: len(_found_stems(pattern, s)))  # max keeps the first tie
    return best if len(best) <= _EXCERPT_CHARS else best[: _EXCERPT_CHARS - 3].rstrip() + "..."
