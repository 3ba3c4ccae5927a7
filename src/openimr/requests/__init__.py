"""openimr.requests: disputed-item text -> TreatmentRequest (DESIGN.md `request --json`).

    parse_request(text: str) -> TreatmentRequest          never raises
    parse_requests(texts: Iterable[str]) -> list[TreatmentRequest]
    load_lexicon() -> Lexicon                              validated data files, cached
    mme_factor(drug: str) -> float | None                  morphine-equivalent factor of an opioid
"""

from openimr.requests.lexicon import load_lexicon, mme_factor
from openimr.requests.parse import parse_request, parse_requests

__all__ = ["load_lexicon", "mme_factor", "parse_request", "parse_requests"]
