"""Morphine-equivalent arithmetic for opioid requests; the factors are the drug table's
(openimr.knowledge.drugs), the one source: no factor is written here."""

from __future__ import annotations

import re

from openimr.knowledge.drugs import morphine_factor as table_factor

_STRENGTH = re.compile(r"(\d+(?:\.\d+)?)")


def morphine_factor(drug: str | None, daily_dose_mg: float | None = None) -> float | None:
    """The table's factor; a dose-dependent one (methadone) needs the daily dose in mg."""
    return table_factor(drug, daily_dose_mg)


def opioid_strength_mg(strength: str) -> float | None:
    """The opioid part of a strength: "10/325 mg" -> 10 (the first number is the opioid)."""
    match = _STRENGTH.search(strength)
    return float(match.group(1)) if match else None
