"""Guideline citations: read the "MAXIMUS guideline" line of a letter into (document, section) pairs.

Matching rule (what "the same guideline and section" means):

1. **Document identity.** A citation names a document by one of its known names (the row file's
   `guideline` or `cited_as`), e.g. "MTUS Chronic Pain Medical Treatment 2016" and "MTUS Chronic
   Pain Treatment Guidelines" are both the document `mtus_cpmtg`. The edition year is kept but is
   not part of identity: the 2009 and 2016 editions of the Chronic Pain guideline are one
   regulation (8 CCR 9792.24.2) with the same section names, so a 2009 and a 2016 citation of one
   section are the same guideline section (`KnowledgeBase.resolve` prefers the cited edition). ODG is identified per chapter
   (`odg_low_back`, `odg_knee`, ...); an ODG citation that names no chapter ("ODG PRP") matches
   any ODG chapter.
2. **Normalized section name.** Lower case; "&" read as "and"; trademark signs, punctuation,
   "Section(s):", "Page(s): ..." and the words chapter/section/topic dropped; plural "s" dropped.
   A section matches a row when its normalized name equals the row's section or one of the row's
   `also_cited_as` sections, either with or without the parenthesised part ("Muscle relaxants
   (for pain)" = "Muscle relaxants"). A citation naming no section (e.g. "MTUS Acupuncture
   Treatment 2007"), or only a page number, matches the document as a whole.

A letter line may cite several documents and several sections each ("Special Studies, Summary,
and Chronic Pain Medical Treatment 2016, Section(s): ..."); `parse_citations` returns all of them,
splitting section lists by the document's known section names (section names contain commas).
"""

from __future__ import annotations

import re

from openimr.domain.guideline import Recommendation, SearchLevel
from openimr.guidelines.kb import KnowledgeBase, load_knowledge_base
from openimr.guidelines.normalize import CitationRef, tokens

_YEAR = re.compile(r"^(19[89]\d|20[0-4]\d)$")
_NON_MTUS = re.compile(r"Decision based on Non-\s*MTUS Citation", re.IGNORECASE)
_OTHER = re.compile(r"\band Other Medical Treatment Guidelines\b.*$", re.IGNORECASE | re.DOTALL)
_PREAMBLE = re.compile(
    r"The Expert Reviewer (?:based their decision on recommendation\(s\) outside of the MTUS "
    r"Guidelines|did not cite any medical evidence for its decision)\.?",
    re.IGNORECASE,
)


def _compile_names(names: dict[tuple[str, ...], str]) -> list[tuple[tuple[str, ...], str]]:
    return sorted(names.items(), key=lambda kv: -len(kv[0]))


def _dated_name_at(words: list[str], i: int, names: list[tuple[tuple[str, ...], str]]) -> bool:
    return any(
        tuple(words[i : i + len(n)]) == n
        and i + len(n) < len(words)
        and _YEAR.match(words[i + len(n)])
        for n, _ in names
    )


def _find_docs(
    kb: KnowledgeBase, words: list[str], names: list[tuple[tuple[str, ...], str]], need_year: bool
) -> list[tuple[int, int, str, str | None]]:
    """(start, end, doc key, year) of each document mention, left to right, longest name first.

    Inside a document's section list, that document's known section names win over document
    names ("Shoulder, Surgery for shoulder dislocation" is one ODG Shoulder section). After a
    non-MTUS, non-ODG document (ACOEM 3rd ed.) the rest is its section: it names its own chapters.
    """
    found: list[tuple[int, int, str, str | None]] = []
    i = 0
    while i < len(words):
        # a dated document mention ("Opioid Treatment 2016") beats a section name
        if found and not (need_year and _dated_name_at(words, i, names)):
            section = next(
                (k for k in kb.known_sections(found[-1][2]) if tuple(words[i : i + len(k)]) == k),
                None,
            )
            if section is not None:
                i += len(section)
                continue
        for name, key in names:
            n = len(name)
            if tuple(words[i : i + n]) == name:
                year = words[i + n] if i + n < len(words) and _YEAR.match(words[i + n]) else None
                if need_year and year is None and (found or i > 0):
                    continue
                end = i + n + (1 if year else 0)
                found.append((i, end, key, year))
                i = end
                break
        else:
            i += 1
            continue
        if not found[-1][2].startswith(("odg", "mtus")):
            break
    return found


def _split_sections(words: list[str], known: list[tuple[str, ...]]) -> list[list[str]]:
    """Split a run of section words by the document's known section names (longest first)."""
    out: list[list[str]] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        match = next((k for k in known if tuple(words[i : i + len(k)]) == k), None)
        if match is not None:
            if unknown:
                out.append(unknown)
                unknown = []
            out.append(list(match))
            i += len(match)
        elif words[i] == "and" and not unknown:
            i += 1
        else:
            unknown.append(words[i])
            i += 1
    if unknown:
        out.append(unknown)
    cleaned = []
    for part in out:
        while part and part[-1] == "and":
            part = part[:-1]
        if part:
            cleaned.append(part)
    return cleaned


def _refs_for(
    kb: KnowledgeBase, doc_key: str, year: str | None, words: list[str], level: SearchLevel
) -> list[CitationRef]:
    # a bare page number ("Section(s): 326") names no section
    words = [w for w in words if not w.isdigit()] if all(w.isdigit() for w in words) else words
    parts = _split_sections(words, kb.known_sections(doc_key))
    if not parts:
        return [CitationRef(doc_key, None, None, year, level)]
    return [CitationRef(doc_key, " ".join(p), " ".join(p), year, level) for p in parts]


def _mtus_refs(kb: KnowledgeBase, text: str) -> list[CitationRef]:
    text = re.sub(r"Section\(s\):", " ", text)
    text = re.sub(r"Page\(s\):[\d\s;,\-–]*", " ", text)
    text = re.sub(r"Decision based on", " ", text, flags=re.IGNORECASE)
    words = tokens(text)
    mentions = _find_docs(kb, words, kb.document_names("mtus"), need_year=True)
    refs: list[CitationRef] = []
    for n, (_, end, key, year) in enumerate(mentions):
        stop = mentions[n + 1][0] if n + 1 < len(mentions) else len(words)
        refs.extend(_refs_for(kb, key, year, words[end:stop], "mtus"))
    return refs


def _non_mtus_refs(kb: KnowledgeBase, text: str) -> list[CitationRef]:
    text = _OTHER.sub(" ", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\bpg\.?\s*\d+", " ", text)
    odg_marked = bool(re.search(r"Official Disability Guidelines|\(ODG\)", text))
    text = re.sub(r"Official Disability Guidelines\s*\(ODG\)", " ", text, flags=re.IGNORECASE)
    words = tokens(text)
    if not words:
        return []
    mentions = _find_docs(kb, words, kb.document_names("acoem_odg"), need_year=False)
    if not odg_marked and (not mentions or mentions[0][0] > 0):
        # a textbook, article or web page: beyond the guideline levels we model
        return [CitationRef("other", None, " ".join(words), None, "other_guideline")]
    if not mentions:
        return [CitationRef("odg", " ".join(words), " ".join(words), None, "acoem_odg")]
    refs: list[CitationRef] = []
    leading = words[: mentions[0][0]]
    for n, (_, end, key, year) in enumerate(mentions):
        stop = mentions[n + 1][0] if n + 1 < len(mentions) else len(words)
        section = words[end:stop]
        if not section and leading:  # "MRI shoulder", "physical therapy, elbow chapter"
            section, leading = leading, []
        level = kb.documents[key].level
        refs.extend(_refs_for(kb, key, year, section, level))
    return refs


def parse_citations(text: str, kb: KnowledgeBase | None = None) -> list[CitationRef]:
    """Every (document, section) pair a letter's guideline line cites, MTUS first."""
    if kb is None:
        kb = load_knowledge_base()
    text = " ".join(text.split())
    text = _PREAMBLE.sub(" ", text)
    parts = _NON_MTUS.split(text, maxsplit=1)
    refs = _mtus_refs(kb, parts[0])
    if len(parts) > 1:
        refs.extend(_non_mtus_refs(kb, parts[1]))
    return refs


def normalize_citation(text: str, kb: KnowledgeBase | None = None) -> tuple[str | None, str | None]:
    """(guideline_key, section_key) of the first guideline cited in `text`; (None, None) if none."""
    refs = parse_citations(text, kb)
    if not refs:
        return (None, None)
    return (refs[0].guideline_key, refs[0].section_key)


def match_citation(citation_text: str, kb: KnowledgeBase | None = None) -> Recommendation | None:
    """The row a citation names (its first cited pair that resolves), or None."""
    if kb is None:
        kb = load_knowledge_base()
    for ref in parse_citations(citation_text, kb):
        rows = kb.resolve(ref)
        if rows:
            return rows[0]
    return None


def citation_agrees(
    citation_text: str, rec: Recommendation, kb: KnowledgeBase | None = None
) -> bool:
    """Whether row `rec` is one of the (document, section) pairs the citation names.

    This is the comparison of "the guideline and section we applied" with "the one the reviewer
    cited" (module docstring: document identity + normalized section, edition ignored).
    """
    if kb is None:
        kb = load_knowledge_base()
    return any(kb.ref_matches(ref, rec) for ref in parse_citations(citation_text, kb))
