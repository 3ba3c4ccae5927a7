"""openimr.requests: disputed-item text -> TreatmentRequest (DESIGN.md `request --json`).

parse_request(text: str) -> TreatmentRequest          never raises (alias: parse)
parse_requests(texts: Iterable[str]) -> list[TreatmentRequest]
load_lexicon() -> Lexicon                              validated data files, cached

Morphine factors are the drug table's: openimr.knowledge.drugs.morphine_factor.
"""

from openimr.requests.lexicon import load_lexicon
from openimr.requests.parser import parse_request, parse_requests

parse = parse_request  # DESIGN.md's pipeline calls it requests.parse(text)

__all__ = [
    "load_lexicon",
    "parse",
    "parse_request",
    "parse_requests",
]
