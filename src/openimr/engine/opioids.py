"""Morphine-equivalent arithmetic for opioid requests (factors from the drug lexicon)."""

from __future__ import annotations

import re
from functools import lru_cache

from openimr.requests.lexicon import morphine_factor as lexicon_factor

# CDC 2016 MME conversion factors; used only when the request lexicon gives none.
_FALLBACK_FACTORS = {
    "hydrocodone": 1.0,
    "oxycodone": 1.5,
    "morphine": 1.0,
    "tramadol": 0.1,
    "tapentadol": 0.4,
    "hydromorphone": 4.0,
    "oxymorphone": 3.0,
    "codeine": 0.15,
    "methadone": 3.0,
}


@lru_cache(maxsize=256)
def morphine_factor(drug: str | None) -> float | None:
    if not drug:
        return None
    found = lexicon_factor(drug)  # the request lexicon is the source of truth
    if found is not None:
        return float(found)
    for name in drug.split("/"):
        if name.strip() in _FALLBACK_FACTORS:
            return _FALLBACK_FACTORS[name.strip()]
    return None


_STRENGTH = re.compile(r"(\d+(?:\.\d+)?)")


def opioid_strength_mg(strength: str) -> float | None:
    """The opioid part of a strength: "10/325 mg" -> 10 (the first number is the opioid)."""
    match = _STRENGTH.search(strength)
    return float(match.group(1)) if match else None
