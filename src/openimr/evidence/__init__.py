"""openimr.evidence: clinical facts from records and case summaries, each with its evidence span.

    from openimr.evidence import extract, extract_text
    facts = extract(case.records, case)          # records + case.summary + case-level facts
    facts = extract_text(summary, "summary", reference_date=decision_date)
    facts.asserted("straight_leg_raise"); facts.negated("functional_improvement")

Readers: one per fact kind (`openimr.evidence.readers`, `@reader("kind")`); how each kind treats
context is data (data/kinds.yaml). Facts derived from facts (prior courses, phase of care, recent
surgery, co-requested drugs) are in `openimr.evidence.derive`.

Conventions a consumer can rely on:

- Status: `negated` = the record states absence ("no documentation of functional improvement",
  "denies numbness", "straight leg raise was negative"); `hypothetical` = planned, requested,
  recommended, to be ruled out, or "possible" (then also `attributes["uncertain"]`); `historical` = "history of", "previously" (still `asserted`); `family` = a relative.
- Span: `fact.span` is the sentence (`text[span.start:span.end] == span.text`); the matched
  phrase is `attributes["matched"]` at `attributes["match_start"]:attributes["match_end"]`.
  Facts taken from the Case's structured fields have no span and `attributes["source"] == "case"`.
- Sentences reporting the UR/IMR decision or its reasoning ("utilization review determined ...
  not medically necessary", "was denied due to ...") are skipped: they are not clinical evidence.
- Exam tests (spurling, straight_leg_raise, tinel, phalen): value "positive"/"negative";
  negative means `negated`. weakness/sensory_deficit/reflex_change are asserted when abnormal,
  negated when normal ("5/5", "intact", "2+"), and each yields a `neuro_deficit` fact.
- prior_treatment: value = modality; attributes modality, sessions (int, when written), effect
  ("improved" | "no_improvement"), sentence_body_parts. A conservative treatment with
  effect no_improvement also yields `failed_conservative_care`. The same course may be mentioned
  in several sentences: take the largest `sessions`, do not add them up
  (`treatment_courses(facts)` does this per modality).
- current_medication: value = generic (the drug table, openimr.knowledge.drugs); attributes drug, drug_class,
  duration_months (from "since 2014", "for 6 months", relative to the note/review date),
  long_term, ongoing (a plan that continues/refills it).
- pain_score: value = the upper 0-10 number; attributes low, high, when
  ("with_medication"/"without_medication"), previous/change for "from 8/10 to 5/10". Two scores
  with/without medication or before/after yield a `pain_relief` fact with a percent.
- chronic_pain: read from the text ("chronic low back pain"), and derived from the injury date:
  asserted when more than 12 weeks passed to the review date (or the latest date written), else
  negated; attributes phase (acute up to 4 weeks, subacute, chronic: `domain.facts.phase_of_care`),
  days_since_injury, months_since_injury, injury_date, reference_date.
- Located findings (red_flag, imaging_result, surgery, ...) carry `sentence_body_parts`. A red
  flag, and any located finding in a sentence listing conditions (diagnoses, past history), carries
  the parts of its own list item ("cervical strain, right wrist fracture": wrist), or the part it
  is "of" ("CT of the lumbar spine showed a fracture of T12": thoracic spine); the sentence's parts
  when its item names none. An old/healed/remote red flag is `historical` (still `asserted`: a
  consumer that wants current red flags filters `not f.historical`).
- comorbidity, bleeding_risk, cardiac_risk_factors: value = the condition (data/conditions.yaml:
  diabetes, hypertension, coronary artery disease, anticoagulation, bleeding disorder ...), also
  in `attributes["condition"]`; one mention may yield several kinds (diabetes: comorbidity and
  cardiac risk). Drugs that imply a condition (the drug table's `conditions`: warfarin, Eliquis,
  Plavix, aspirin, insulin, metformin, lisinopril ...) yield them with `derived_from:
  current_medication` and the drug's status (a planned anticoagulant is hypothetical).
"""

from openimr.evidence.courses import TreatmentCourse, treatment_courses
from openimr.evidence.extract import extract, extract_text, latest_date
from openimr.evidence.pipeline import build_nlp
from openimr.evidence.rules import load_rules

__all__ = [
    "TreatmentCourse",
    "build_nlp",
    "extract",
    "extract_text",
    "latest_date",
    "load_rules",
    "treatment_courses",
]
