"""Organization and person names: normalization and spelling-tolerant matching (rapidfuzz).

Conflict screening compares every party of a case with every affiliation of every reviewer, so
the reviewer side is normalized once (`NameIndex`) and each party name is compared with all of it
in one `rapidfuzz.process.cdist` call; results are memoized per normalized party name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from openimr.reviewers.rules import ConflictRules, load_rules

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


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
        # "O'Neil" == "ONeil", "M.D." == "MD", "Inc." == "Inc"
        text = text.replace("'", "").replace(".", "")
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

    def variants(self, name: str) -> list[str]:
        """The normalized name, plus its acronym form for names of three or more words:
        "Sedgwick Claims Management Services" is also written "Sedgwick CMS"."""
        tokens = self.tokens(name)
        if not tokens:
            return []
        out = [" ".join(sorted(tokens))]
        if len(tokens) >= 3:
            acronym = tokens[0] + " " + "".join(t[0] for t in tokens[1:])
            out.append(" ".join(sorted(acronym.split())))
        return out

    def distinctive(self, tokens: Iterable[str]) -> bool:
        return any(t not in self.generic_words and not t.isdigit() for t in tokens)


def _subset_match(short: frozenset[str], long: frozenset[str], normalizer: NameNormalizer) -> bool:
    """All words of a two-or-more-word name inside the other ("Zenith Insurance" in
    "Zenith National Insurance"), provided one of them is not a generic word."""
    return len(short) >= 2 and short <= long and normalizer.distinctive(short)


def name_similarity(a: str, b: str, normalizer: NameNormalizer | None = None) -> float:
    """0-100: how alike two names are after normalization (100 for a distinctive subset)."""
    normalizer = normalizer or NameNormalizer.from_rules()
    best = 0.0
    for na in normalizer.variants(a):
        for nb in normalizer.variants(b):
            ta, tb = frozenset(na.split()), frozenset(nb.split())
            short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
            if _subset_match(short, long, normalizer):
                return 100.0
            best = max(best, float(fuzz.ratio(na, nb)))
    return best


def names_match(a: str, b: str, threshold: float | None = None,
                normalizer: NameNormalizer | None = None) -> bool:
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
    _by_token: dict[str, list[int]] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    _memo: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def add(self, name: str, owner: int, entry: int) -> None:
        for normalized in self.normalizer.variants(name):
            self._add_normalized(normalized, owner, entry)

    def _add_normalized(self, normalized: str, owner: int, entry: int) -> None:
        pos = self._position.get(normalized)
        if pos is None:
            pos = len(self.names)
            self._position[normalized] = pos
            self.names.append(normalized)
            self.owners.append([])
            tokens = frozenset(normalized.split())
            self._token_sets.append(tokens)
            for token in tokens:
                self._by_token.setdefault(token, []).append(pos)
        self.owners[pos].append((owner, entry))
        self._memo.clear()

    def lookup(self, query: str) -> list[tuple[int, float]]:
        """Positions of the indexed names matching `query`, with their similarity (0-100)."""
        if not self.names:
            return []
        cached = self._memo.get(query)
        if cached is not None:
            return cached
        hits: dict[int, float] = {}
        for normalized in self.normalizer.variants(query):
            for pos, score in self._lookup_normalized(normalized):
                hits[pos] = max(score, hits.get(pos, 0.0))
        result = sorted(hits.items())
        self._memo[query] = result
        return result

    def _lookup_normalized(self, normalized: str) -> list[tuple[int, float]]:
        hits: dict[int, float] = {}
        scores = process.cdist(
            [normalized], self.names, scorer=fuzz.ratio, processor=None,
            score_cutoff=self.threshold, dtype="float32",
        )[0]
        for pos in scores.nonzero()[0]:
            hits[int(pos)] = float(scores[pos])
        tokens = frozenset(normalized.split())
        candidates: set[int] = set()
        for token in tokens:
            candidates.update(self._by_token.get(token, ()))
        for pos in candidates:
            other = self._token_sets[pos]
            short, long = (tokens, other) if len(tokens) <= len(other) else (other, tokens)
            if _subset_match(short, long, self.normalizer):
                hits[pos] = 100.0
        return list(hits.items())
