"""openimr.reviewers: panel, qualification and conflict screening, specialty match, deadlines."""

from openimr.reviewers.assign import (
    Assignment,
    Exclusion,
    PanelIndex,
    RankedReviewer,
    assign,
    credentials,
    printed_specialty,
)
from openimr.reviewers.deadlines import (
    Deadline,
    add_business_days,
    business_days_between,
    is_business_day,
    review_deadline,
)
from openimr.reviewers.names import NameNormalizer, name_similarity, names_match
from openimr.reviewers.panel import SAMPLE_PANEL, load_panel
from openimr.reviewers.screening import case_parties, qualification_problems
from openimr.reviewers.specialties import load_specialty_map

__all__ = [
    "SAMPLE_PANEL",
    "Assignment",
    "Deadline",
    "Exclusion",
    "NameNormalizer",
    "PanelIndex",
    "RankedReviewer",
    "add_business_days",
    "assign",
    "business_days_between",
    "case_parties",
    "credentials",
    "is_business_day",
    "load_panel",
    "load_specialty_map",
    "name_similarity",
    "names_match",
    "printed_specialty",
    "qualification_problems",
    "review_deadline",
]
