"""The evidence search sequence of 8 CCR 9792.21.1 over the knowledge base.

MTUS first, in the edition in force on the review date; only when no MTUS row addresses the
treatment (and body part) does the search fall to ACOEM/ODG, then to other nationally recognized
guidelines, and finally to peer-reviewed studies (no row: the reviewer must cite literature).

A row "addresses" a request when
- something names the treatment: one of the row's synonyms, drugs or services appears in the item
  text, or the parsed drug, drug class or service is one the row lists;
- its categories do not contradict the parsed category (unless the drug itself matches);
- a topical/compounded product meets only topical rows and a pill only oral ones (a topical row's
  own product name, e.g. a compounded kit, still counts);
- its body parts, if it has any, include one of the request's (a region-specific row that covers
  only some of them, or a request naming none, scores lower);
- a post-surgical row is used only around an operation: a pre-/post-operative word in the text, or
  this case's surgery found necessary (fact `surgery_authorized`);
- a not-recommended row for compound ingredients (drug classes exactly `[compound]`) addresses only
  compounded products, and there one listed ingredient is enough: a compound containing any drug
  the guideline does not recommend is itself not recommended (CPMTG Topical analgesics), so that
  row outranks the general topical row.
Scores then rank the addressing rows: longer (more specific) name matches, a generic the text
names (a drug the parser only inferred from a brand counts less), a matching parsed service,
body-part agreement, and the phase of care (acute vs chronic, from the facts). Ties go to the
newest edition, then to file order (files list the general row before narrower ones).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from pydantic import Field, computed_field

from openimr.domain.common import Model
from openimr.domain.facts import ClinicalFacts
from openimr.domain.guideline import (
    GoverningDocument,
    Recommendation,
    SearchLevel,
    mtus_silence_note,
)
from openimr.domain.request import TreatmentRequest
from openimr.guidelines.kb import LEVEL_ORDER, KnowledgeBase, in_force
from openimr.guidelines.normalize import tokens
from openimr.knowledge.anatomy import load_anatomy
from openimr.requests import parse_request

_TOPICAL = re.compile(
    r"\b(?:cream|gel|ointment|lotion|patch|patches|topical|transdermal)\b|\d\s*%", re.IGNORECASE
)
_TOPICAL_FORMS = {"cream", "gel", "ointment", "lotion", "patch", "spray", "foam", "pad"}
# words placing the request around an operation (before or after it)
_POST_OP = re.compile(
    r"\b(?:post|pre)[- ]?op|\b(?:post|pre)[- ]?operative|\bpost[- ]?surg|associated surgical service"
    r"|after (?:the )?surgery|before (?:the )?surgery",
    re.IGNORECASE,
)


class SearchHit(Model):
    recommendation: Recommendation
    score: float
    reasons: list[str] = Field(default_factory=list)


class SearchResult(Model):
    level: SearchLevel  # the step of the search sequence reached
    review_date: dt.date | None = None
    request: TreatmentRequest
    hits: list[SearchHit] = Field(default_factory=list)

    @property
    def best(self) -> Recommendation | None:
        return self.hits[0].recommendation if self.hits else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def note(self) -> str | None:
        """Says plainly when no MTUS row addressed the request and where the search went."""
        return mtus_silence_note(self.level, self.review_date)


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


class _Words:
    """A text's tokens with their n-grams up to `longest`, so a phrase test is one set lookup."""

    def __init__(self, words: list[str], longest: int):
        self.words = words
        self.longest = longest
        self._facts: dict[str, bool] = {}
        self.grams = frozenset(
            tuple(words[i : i + n])
            for n in range(1, longest + 1)
            for i in range(len(words) - n + 1)
        )

    def once(self, name: str, compute: Callable[[], bool]) -> bool:
        """A fact about the request, computed for its first row and kept for the others."""
        if name not in self._facts:
            self._facts[name] = compute()
        return self._facts[name]

    def has(self, phrase: tuple[str, ...]) -> bool:
        if len(phrase) <= self.longest:
            return phrase in self.grams
        return _contains(self.words, phrase)


def _row_phrases(rec: Recommendation) -> tuple[tuple[str, ...], ...]:
    t = rec.treatments
    # in the row's own order (a set's order would change the reason named from run to run)
    phrases = (tuple(tokens(x, drop=False)) for x in [*t.synonyms, *t.drugs, *t.services])
    return tuple(p for p in dict.fromkeys(phrases) if p)


class _Index:
    """Per-row phrase tuples, computed once per knowledge base."""

    def __init__(self, kb: KnowledgeBase):
        self.phrases = {r.id: _row_phrases(r) for r in kb.rows}
        self.synonyms = {
            r.id: tuple(
                t for t in (tuple(tokens(x, drop=False)) for x in r.treatments.synonyms) if t
            )
            for r in kb.rows
        }
        self.order = {r.id: n for n, r in enumerate(kb.rows)}
        # `services` name the parser's services for which the row is the primary guidance
        self.services = {
            r.id: frozenset(" ".join(tokens(x, drop=False)) for x in r.treatments.services)
            for r in kb.rows
        }
        self.longest = max((len(p) for ps in self.phrases.values() for p in ps), default=1)
        # What can name a row (see `score_row`: a row no key names does not address the request):
        # the first word of one of its phrases, a drug, a drug class or a service it lists.
        self.by_key: dict[tuple[str, str], set[str]] = {}
        for r in kb.rows:
            keys = {("word", p[0]) for p in self.phrases[r.id]}
            keys |= {("drug", d) for d in r.treatments.drugs}
            keys |= {("class", c) for c in r.treatments.drug_classes}
            keys |= {("service", s) for s in self.services[r.id]}
            for key in keys:
                self.by_key.setdefault(key, set()).add(r.id)

    def candidates(self, request: TreatmentRequest, words: list[str]) -> set[str]:
        """Ids of the rows something in the request names: every row that can address it."""
        keys = {("word", w) for w in words}
        if request.drug:
            keys |= {("drug", d) for d in (request.drug, *request.drug.split("/"))}
        if request.drug_class:
            keys.add(("class", request.drug_class))
        if request.service:
            keys.add(("service", " ".join(tokens(request.service, drop=False))))
        found: set[str] = set()
        for key in keys:
            found |= self.by_key.get(key, set())
        return found


def _index(kb: KnowledgeBase) -> _Index:
    """The phrase index, built once and kept on the knowledge base itself."""
    idx = getattr(kb, "_search_index", None)
    if idx is None:
        idx = _Index(kb)
        kb._search_index = idx  # type: ignore[attr-defined]
    return idx


def _care_phase(facts: ClinicalFacts | None) -> str | None:
    """The phase of care the evidence stage derived (`evidence.derive.care_phase`), if any."""
    if facts is None:
        return None
    found = facts.asserted("care_phase")
    return str(found[0].value) if found else None


def _phase(facts: ClinicalFacts | None) -> str | None:
    """acute, subacute or chronic: the phase dated from the injury (the care_phase fact), else
    chronic when chronic pain is asserted (in the text or by the dates), else the phase the
    chronic_pain fact was dated with, else acute when chronic pain is negated, else unknown."""
    if facts is None:
        return None
    for fact in facts.asserted("care_phase"):
        if fact.attributes.get("time_phase"):
            return str(fact.attributes["time_phase"])
    if facts.asserted("chronic_pain"):
        return "chronic"
    negated = facts.negated("chronic_pain")
    for fact in negated:
        if fact.attributes.get("phase") in ("acute", "subacute"):
            return str(fact.attributes["phase"])
    return "acute" if negated else None


def post_operative(request: TreatmentRequest, facts: ClinicalFacts | None) -> bool:
    """Whether the request is care around an operation: a pre-/post-operative word in its text,
    this case's surgery found necessary, a surgery in the 4 weeks before the request, or physical
    medicine within the postsurgical physical medicine period of a dated surgery (the MTUS
    Postsurgical Treatment Guidelines, 9792.24.3, govern physical medicine in that period)."""
    if _POST_OP.search(request.text):
        return True
    if facts is None:
        return False
    if facts.asserted("surgery_authorized") or facts.asserted("recent_surgery"):
        return True
    return request.category == "physical_medicine" and _care_phase(facts) == "post_surgical"


def phase_misfit(
    rec: Recommendation, document_phases: list[str], phase: str | None, post_op: bool
) -> bool:
    """A row written only for later phases of care (its own phases, else its document's) met in
    an acute case: an injury a few weeks old, not yet past the anticipated time of healing, is not
    judged by rows that presume chronic pain (9792.20(c): pain persisting beyond that time; the
    CPMTG, 9792.24.2) while a row for its phase addresses the request.

    A misfit row ranks after every row of its level that fits, so the search still goes MTUS
    first (9792.21.1): when only a chronic-pain row of the MTUS addresses the request, it governs.
    Later phases are only scored (`score_row`): a subacute case may already have pain past the
    time of healing, and a chronic-pain row's own criteria (e.g. pain for three months) judge it;
    the clinical-topic chapters stay in force for their body part after the acute phase."""
    phases = set(rec.phases or document_phases)
    if phase != "acute" or not phases & {"subacute", "chronic"} or "acute" in phases:
        return False
    return not ("post_surgical" in phases and post_op)


def _case_body_parts(facts: ClinicalFacts | None) -> list[str]:
    """The body parts the case file itself lists (the accepted injury), not those read from notes."""
    if facts is None:
        return []
    return [
        f.value
        for f in facts.facts
        if f.kind == "body_part" and f.attributes.get("source") == "case"
    ]


def _takes(facts: ClinicalFacts | None, drug_classes: list[str]) -> bool:
    """Whether the record (or this review's other items) shows the worker on one of these classes."""
    if facts is None:
        return False
    return any(
        f.asserted and not f.historical and f.attributes.get("drug_class") in drug_classes
        for f in facts.of_kind("current_medication")
    )


def is_topical(request: TreatmentRequest) -> bool:
    """Whether the request is for a topical or compounded product (parser fields, else the text).

    An opioid patch (Butrans, Duragesic) is an opioid, judged by the opioid rows."""
    if request.drug_class == "opioid":
        return False
    if request.drug_class in ("topical", "compound") or request.route in ("topical", "transdermal"):
        return True
    if request.dose_form in _TOPICAL_FORMS:
        return True
    return bool(_TOPICAL.search(request.text))


def _excludes_compound(rec: Recommendation) -> bool:
    """A row listing ingredients that make any compound containing them not recommended."""
    return rec.status == "not_recommended" and rec.treatments.drug_classes == ["compound"]


def score_row(
    rec: Recommendation,
    request: TreatmentRequest,
    words: _Words,
    phrases: tuple[tuple[str, ...], ...],
    facts: ClinicalFacts | None,
    synonyms: tuple[tuple[str, ...], ...] = (),
    services: frozenset[str] = frozenset(),
) -> tuple[float, list[str], bool]:
    """(score, reasons, addresses) of one row for one request."""
    t = rec.treatments
    score = 0.0
    reasons: list[str] = []
    named = False
    matched = sorted((p for p in phrases if words.has(p)), key=len, reverse=True)
    by_synonym = any(words.has(p) for p in synonyms)
    if matched:
        named = True
        score += 6 + 2 * len(matched[0]) + min(len(matched) - 1, 3)
        reasons.append(f"names '{' '.join(matched[0])}'")
    # a generic the text itself names is strong evidence; one the parser inferred from a brand
    # is weaker, so a row listing that very product name ("Deprizine" kits) can outrank it
    named_generic = words.once(
        "named_generic",
        lambda: (
            bool(request.drug)
            and any(
                words.has(tuple(tokens(d, drop=False))) for d in (request.drug or "").split("/")
            )
        ),
    )
    drug_weight = 12 if named_generic else 5
    if request.drug:
        parts = request.drug.split("/")
        hits = [d for d in parts if d in t.drugs]
        if request.drug in t.drugs:
            named = True
            score += drug_weight
            reasons.append(f"drug {request.drug}")
        elif hits and _excludes_compound(rec) and len(parts) > 1:
            # one ingredient the guideline does not recommend decides the whole compound
            named = True
            score += drug_weight + 10  # decisive: outranks the general topical row
            reasons.append(f"compound contains {'/'.join(hits)}, not recommended in a compound")
        elif hits:
            named = True
            score += drug_weight * len(hits) / len(parts)
            reasons.append(f"drug {'/'.join(hits)}")
    if request.drug_class and request.drug_class in t.drug_classes:
        named = True
        score += 4 if named_generic or not request.drug else 2
        reasons.append(f"drug class {request.drug_class}")
    # the parser repeats a drug name as the service; that is not a second piece of evidence
    if (
        request.service
        and request.service != request.drug
        and " ".join(tokens(request.service, drop=False)) in services
    ):
        named = True
        score += 6
        reasons.append(f"service {request.service}")
    if t.while_taking and _takes(facts, t.while_taking):
        score += 2
        reasons.append(f"the worker takes {'/'.join(t.while_taking)}")
    addresses = named
    if _excludes_compound(rec) and not (
        request.drug_class == "compound" or "/" in (request.drug or "")
    ):
        addresses = False  # the ingredient rule is about compounded products only
    if "medication" in t.categories and request.category in ("medication", "other"):
        # a topical product is governed by the topical rows, a pill by the oral ones
        row_topical = bool({"topical", "compound"} & set(t.drug_classes))
        topical = words.once("topical", lambda: is_topical(request))
        # ...unless a topical row is named by one of its own product names ("Deprizine" kits)
        if (topical and not row_topical) or (row_topical and not topical and not by_synonym):
            addresses = False
    if t.categories and request.category != "other":
        if request.category in t.categories:
            score += 2
        elif not (request.drug and any(d in t.drugs for d in request.drug.split("/"))):
            addresses = False
            score -= 5
    if rec.body_parts:
        if request.body_parts:
            common = [b for b in request.body_parts if b in rec.body_parts]
            if len(common) == len(request.body_parts):
                score += 3
                reasons.append(f"body part {', '.join(common)}")
            elif common:  # a region-specific row covers only part of the request
                score -= 4
                reasons.append(f"covers only {', '.join(common)}")
            else:
                addresses = False
        elif set(rec.body_parts) & set(_case_body_parts(facts)):
            # the request names no body part, so it is for the case's accepted injury: a row for
            # that region is no guess ("shockwave therapy" in a neck case)
            score += 1
            reasons.append("the case's body part")
        else:  # the request names no body part: a region-specific row is a guess
            score -= 4
    # a surgery in the record may be years old; only this case's approved surgery, or one done in
    # the weeks before the request, counts as context
    post_op = post_operative(request, facts)
    if "post_surgical" in rec.phases:
        if post_op:
            score += 4
            reasons.append("post-operative care")
        else:
            addresses = False
    phase = _phase(facts)
    phases = set(rec.phases)
    if phase and phases:
        if phase == "chronic":
            if "chronic" in phases:
                score += 2
                reasons.append("chronic phase")
            elif "post_surgical" not in phases:
                score -= 2
        elif phase == "subacute":
            if "subacute" in phases:
                score += 2
                reasons.append("subacute phase")
            elif phases == {"chronic"}:
                score -= 2
        elif "chronic" in phases and "acute" not in phases:
            score -= 2  # acute: a chronic-treatment row is premature
        elif phases & {"acute", "subacute"}:
            score += 2
            reasons.append("acute/subacute phase")
    return score, reasons, addresses


def _ranked(
    kb: KnowledgeBase,
    request: TreatmentRequest,
    review_date: dt.date | None,
    facts: ClinicalFacts | None,
) -> list[tuple[tuple[int, bool, float, int, int], str, SearchHit]]:
    """Every row in force on `review_date` that addresses the request, best first, each with its
    sort key and its (document, section) identity. The key does not depend on the date, so the
    best row on any date is the first of these in force then."""
    idx = _index(kb)
    order = idx.order
    words = tokens(request.text, drop=False)
    if request.partial_authorization is not None:
        words = tokens(request.partial_authorization.disputed.text, drop=False) or words
    phase = _phase(facts)
    post_op = post_operative(request, facts)
    named = idx.candidates(request, words)
    grams = _Words(words, idx.longest)
    ranked = []
    for rec in kb.rows:
        if rec.id not in named or not in_force(rec, review_date):
            continue
        score, reasons, addresses = score_row(
            rec,
            request,
            grams,
            idx.phrases[rec.id],
            facts,
            idx.synonyms[rec.id],
            idx.services[rec.id],
        )
        if not addresses:
            continue
        document = kb.document_of(rec.id)
        misfit = phase_misfit(rec, document.phases, phase, post_op)
        if misfit:
            reasons = [*reasons, f"written for another phase of care than this {phase} case"]
        # ties: the newest edition, then file order (files list the general row before narrower ones)
        key = (
            LEVEL_ORDER.index(rec.level),
            misfit,
            -score,
            -(rec.effective_from or dt.date.min).toordinal(),
            order[rec.id],
        )
        identity = f"{document.key}.{rec.id.split('.', 1)[-1]}"
        ranked.append((key, identity, SearchHit(recommendation=rec, score=score, reasons=reasons)))
    ranked.sort(key=lambda entry: entry[0])
    return ranked


def search(
    kb: KnowledgeBase,
    request: TreatmentRequest,
    review_date: dt.date | None = None,
    facts: ClinicalFacts | None = None,
    limit: int = 5,
) -> SearchResult:
    """Ranked rows for a request, following the search sequence (see the module docstring).

    `review_date` None considers every edition (the newest wins ties); a row appears once, in its
    best edition.
    """
    hits: list[SearchHit] = []
    seen: set[str] = set()
    for _, identity, hit in _ranked(kb, request, review_date, facts):
        if identity not in seen:
            seen.add(identity)
            hits.append(hit)
            if len(hits) == limit:
                break
    level: SearchLevel = hits[0].recommendation.level if hits else "peer_reviewed"
    return SearchResult(level=level, review_date=review_date, request=request, hits=hits)


def governing_documents(
    kb: KnowledgeBase, request: TreatmentRequest, facts: ClinicalFacts | None = None
) -> list[GoverningDocument]:
    """The document of the search's best row for the request on every date, as periods: one
    ranking, then the first row in force in each period between edition dates (adjacent periods
    with the same document merged). Empty when no row addresses the request."""
    ranked = [hit.recommendation for _, _, hit in _ranked(kb, request, None, facts)]
    if not ranked:
        return []
    bounds = {dt.date.min}
    for rec in ranked:
        if rec.effective_from is not None:
            bounds.add(rec.effective_from)
        if rec.effective_to is not None and rec.effective_to < dt.date.max:
            bounds.add(rec.effective_to + dt.timedelta(days=1))
    starts = sorted(bounds)
    periods: list[GoverningDocument] = []
    for n, start in enumerate(starts):
        best = next((rec for rec in ranked if in_force(rec, start)), None)
        if best is None:
            continue
        end = starts[n + 1] - dt.timedelta(days=1) if n + 1 < len(starts) else None
        key = kb.document_of(best.id).key
        if periods and periods[-1].document == key and periods[-1].end == start - dt.timedelta(1):
            periods[-1] = periods[-1].model_copy(update={"end": end})
        else:
            first = None if start == dt.date.min else start
            periods.append(GoverningDocument(document=key, start=first, end=end))
    return periods


@functools.lru_cache(maxsize=1)
def _body_part_terms() -> tuple[tuple[tuple[str, ...], str], ...]:
    """The anatomy table's search terms as token phrases, longest first."""
    pairs = [(tuple(tokens(w, drop=False)), part) for w, part in load_anatomy().search_terms()]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def fallback_request(text: str) -> TreatmentRequest:
    """A minimal TreatmentRequest (text and body parts only), read without the request parser."""
    words = tokens(text, drop=False)
    parts: list[str] = []
    for phrase, part in _body_part_terms():
        if _contains(words, phrase) and part not in parts:
            parts.append(part)
    return TreatmentRequest(text=text, body_parts=parts)


def search_text(
    kb: KnowledgeBase,
    text: str,
    review_date: dt.date | None = None,
    facts: ClinicalFacts | None = None,
    limit: int = 5,
) -> SearchResult:
    """Parse `text` with `openimr.requests.parse_request`, then `search`."""
    return search(kb, parse_request(text), review_date=review_date, facts=facts, limit=limit)
