"""Organization and person names: normalization and spelling-tolerant matching (rapidfuzz).

Conflict screening compares every party of a case with every affiliation of every reviewer, so
the reviewer side is normalized once (`NameIndex`) and each party name is compared with all of it
in one `rapidfuzz.process.cdist` call; results are memoized per normalized party name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz, process

from openimr.reviewers.rules import ConflictRules, load_rules

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_MAX_SUBSET_WORDS = 8  # 247 sub-sets of 2+ words; longer names fall back to a scan


@dataclass(frozen=True)
class NameNormalizer:
    abbreviations: dict[str, str]
    drop_words: frozenset[str]
    generic_words: frozenset[str]

    @classmethod
    def from_rules(cls, rules: ConflictRules | None = None) -> NameNormalizer:
        rules = rules or load_rules().conflicts
        return cls(
            abbreviations=dict(rules.abbreviations),
            drop_words=frozenset(rules.drop_words),
            generic_words=frozenset(rules.generic_words),
        )

    def tokens(self, name: str) -> tuple[str, ...]:
        text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        text = text.lower().replace("&", " and ")
        # "O'Neil" == "ONeil", "M.D." == "MD", "Inc." == "Inc", "Co-operative" == "Cooperative"
        text = text.replace("'", "").replace(".", "").replace("-", "")
        out: list[str] = []
        for raw in _NON_ALNUM.split(text):
            if not raw:
                continue
            word = self.abbreviations.get(raw, raw)
            if word in self.drop_words:
                continue
            out.append(word)
        return tuple(out)

    def normalize(self, name: str) -> str:
        """Sorted tokens joined by spaces: word order and legal form never matter."""
        return " ".join(sorted(self.tokens(name)))

    def acronyms(self, name: str) -> list[str]:
        """Names of three or more words are also written with their first word(s) and the
        initials of the rest: "Sedgwick Claims Management Services" is "Sedgwick CMS",
        "Pacific Coast Claims Management Services" is "Pacific Coast CMS".  Compared only for
        equality with the other name's full form, never fuzzily (short strings differ by one
        letter too easily)."""
        return self._acronyms(self.tokens(name))

    @staticmethod
    def _acronyms(tokens: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        for keep in range(1, len(tokens) - 1):
            initials = "".join(t[0] for t in tokens[keep:])
            out.append(" ".join(sorted((*tokens[:keep], initials))))
        return out

    def distinctive(self, tokens: Iterable[str]) -> bool:
        return any(t not in self.generic_words and not t.isdigit() for t in tokens)


def _subset_match(short: frozenset[str], long: frozenset[str], normalizer: NameNormalizer) -> bool:
    """All words of a two-or-more-word name inside the other ("Zenith Insurance" in
    "Zenith National Insurance"), provided one of them is not a generic word."""
    return len(short) >= 2 and short <= long and normalizer.distinctive(short)


def name_similarity(a: str, b: str, normalizer: NameNormalizer | None = None) -> float:
    """0-100: how alike two names are after normalization (100 for a distinctive subset or when
    one is the acronym form of the other)."""
    normalizer = normalizer or NameNormalizer.from_rules()
    na, nb = normalizer.normalize(a), normalizer.normalize(b)
    if not na or not nb:
        return 0.0
    if na in normalizer.acronyms(b) or nb in normalizer.acronyms(a):
        return 100.0
    ta, tb = frozenset(na.split()), frozenset(nb.split())
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if _subset_match(short, long, normalizer):
        return 100.0
    return float(fuzz.ratio(na, nb))


def names_match(
    a: str, b: str, threshold: float | None = None, normalizer: NameNormalizer | None = None
) -> bool:
    threshold = load_rules().conflicts.similarity_threshold if threshold is None else threshold
    return name_similarity(a, b, normalizer) >= threshold


@dataclass
class NameIndex:
    """Normalized names of many owners (reviewer positions), matched against one query at a time."""

    normalizer: NameNormalizer
    threshold: float
    names: list[str] = field(default_factory=list)  # unique normalized names
    owners: list[list[tuple[int, int]]] = field(default_factory=list)  # (owner, entry) per name
    _token_sets: list[frozenset[str]] = field(default_factory=list)
    _by_token: dict[str, set[int]] = field(default_factory=dict)
    _by_token_set: dict[frozenset[str], list[int]] = field(default_factory=dict)
    _by_acronym: dict[str, list[int]] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    _memo: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def add(self, name: str, owner: int, entry: int) -> None:
        normalized = self.normalizer.normalize(name)
        if not normalized:
            return
        pos = self._position.get(normalized)
        if pos is None:
            pos = len(self.names)
            self._position[normalized] = pos
            self.names.append(normalized)
            self.owners.append([])
            tokens = frozenset(normalized.split())
            self._token_sets.append(tokens)
            for token in tokens:
                self._by_token.setdefault(token, set()).add(pos)
            self._by_token_set.setdefault(tokens, []).append(pos)
            for acronym in self.normalizer.acronyms(name):
                self._by_acronym.setdefault(acronym, []).append(pos)
        self.owners[pos].append((owner, entry))
        self._memo.clear()

    def lookup(self, query: str) -> list[tuple[int, float]]:
        """Positions of the indexed names matching `query`, with their similarity (0-100)."""
        return self.lookup_many([query])[0]

    def lookup_many(self, queries: Sequence[str]) -> list[list[tuple[int, float]]]:
        """`lookup` for several queries, with one rapidfuzz `cdist` call for the new ones."""
        if not self.names:
            return [[] for _ in queries]
        fresh = [q for q in dict.fromkeys(queries) if q not in self._memo]
        if fresh:
            tokenized = [self.normalizer.tokens(q) for q in fresh]
            normalized = [" ".join(sorted(t)) for t in tokenized]
            scores = process.cdist(
                normalized,
                self.names,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=self.threshold,
                dtype=np.float64,
            )
            rows, cols = scores.nonzero()
            fuzzy: list[dict[int, float]] = [{} for _ in fresh]
            for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
                fuzzy[row][col] = float(scores[row, col])
            for query, tokens, norm, hits in zip(fresh, tokenized, normalized, fuzzy, strict=True):
                if norm:
                    for pos in self._subset_hits(frozenset(norm.split())):
                        hits[pos] = 100.0
                    for pos in self._by_acronym.get(norm, ()):
                        hits[pos] = 100.0
                    for acronym in self.normalizer._acronyms(tokens):
                        if acronym in self._position:
                            hits[self._position[acronym]] = 100.0
                else:
                    hits.clear()  # a name that normalizes to nothing matches nothing
                self._memo[query] = sorted(hits.items())
            if len(self._memo) > 200_000:  # bound memory on endless distinct names
                self._memo.clear()
        return [self._memo[q] if q in self._memo else self.lookup(q) for q in queries]

    def _subset_hits(self, tokens: frozenset[str]) -> set[int]:
        """Indexed names whose words all appear in the query, or that contain all the query's
        words, under the distinctive-subset rule; found by set lookups, not by scanning."""
        hits: set[int] = set()
        # the query inside an indexed name: intersect the names holding each query word
        if len(tokens) >= 2 and self.normalizer.distinctive(tokens):
            postings = sorted((self._by_token.get(t, set()) for t in tokens), key=len)
            common = set(postings[0])
            for posting in postings[1:]:
                common &= posting
                if not common:
                    break
            hits |= common
        # an indexed name inside the query: look up every sub-set of the query's words
        words = sorted(tokens)
        if len(words) <= _MAX_SUBSET_WORDS:
            for size in range(2, len(words) + 1):
                for combo in combinations(words, size):
                    key = frozenset(combo)
                    found = self._by_token_set.get(key)
                    if found and self.normalizer.distinctive(key):
                        hits.update(found)
        else:  # very long names: scan the names sharing a word
            candidates: set[int] = set()
            for token in tokens:
                candidates |= self._by_token.get(token, set())
            for pos in candidates:
                if _subset_match(self._token_sets[pos], tokens, self.normalizer):
                    hits.add(pos)
        return hits
