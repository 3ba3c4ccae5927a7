"""One line per treatment course: the same course is often written in several sentences.

"Treatment to date included 12 sessions of PT" and "she completed 12 PT visits" are one course
of 12, not 24. `treatment_courses` groups asserted prior_treatment facts by modality and keeps the
largest session count and the effect the record states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openimr.domain.facts import ClinicalFact, ClinicalFacts


@dataclass
class TreatmentCourse:
    modality: str
    sessions: int | None = None  # the largest count written for this modality
    effect: str | None = None  # "no_improvement" if any mention says so, else "improved", else None
    facts: list[ClinicalFact] = field(default_factory=list)


def treatment_courses(facts: ClinicalFacts) -> dict[str, TreatmentCourse]:
    """Asserted prior treatments grouped by modality (hypothetical/planned ones are left out)."""
    courses: dict[str, TreatmentCourse] = {}
    for fact in facts.asserted("prior_treatment"):
        modality = str(fact.attributes.get("modality") or fact.value or "unspecified")
        course = courses.setdefault(modality, TreatmentCourse(modality=modality))
        course.facts.append(fact)
        sessions = fact.attributes.get("sessions")
        if isinstance(sessions, int) and (course.sessions is None or sessions > course.sessions):
            course.sessions = sessions
        effect = fact.attributes.get("effect")
        # a stated failure outweighs a stated benefit: reviewers look for sustained improvement
        if effect == "no_improvement" or (effect == "improved" and course.effect is None):
            course.effect = effect
    return courses
