"""openimr.evidence: clinical facts from records and case summaries, each with its evidence span.

    from openimr.evidence import extract, extract_text
    facts = extract_text("He denies numbness. Straight leg raise was positive on the left.")
    facts.asserted("straight_leg_raise"); facts.negated("numbness")
"""

from openimr.evidence.extract import extract, extract_text, latest_date
from openimr.evidence.pipeline import build_nlp
from openimr.evidence.rules import load_rules

__all__ = ["build_nlp", "extract", "extract_text", "latest_date", "load_rules"]
