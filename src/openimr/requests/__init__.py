"""openimr.requests: disputed-item text -> TreatmentRequest (DESIGN.md `request --json`).

parse_request(text: str) -> TreatmentRequest          never raises (alias: parse)
parse_requests(texts: Iterable[str]) -> list[TreatmentRequest]
load_lexicon() -> Lexicon                              validated data files, cached
mme_factor(drug, daily_dose_mg=None) -> float | None   morphine-equivalent factor (CDC 2016)
"""

from openimr.requests.lexicon import load_lexicon, mme_factor, morphine_factor
from openimr.requests.parser import parse_request, parse_requests

parse = parse_request  # DESIGN.md's pipeline calls it requests.parse(text)

__all__ = [
    "load_lexicon",
    "mme_factor",
    "morphine_factor",
    "parse",
    "parse_request",
    "parse_requests",
]
