"""The IMR case: who, what was injured, what was requested, what UR decided, and the record."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from openimr.domain.common import Model
from openimr.domain.request import BodyPart
from openimr.io_util import plausible_date

Priority = Literal["regular", "expedited"]
Sex = Literal["female", "male"]
RecordType = Literal[
    "pr2",
    "progress_note",
    "consult",
    "imaging",
    "electrodiagnostic",
    "operative_report",
    "therapy_note",
    "lab",
    "qme",
    "ur_letter",
    "imr_application",
    "rfa",
    "pharmacy",
    "other",
]
UROutcome = Literal["denied", "modified", "certified"]

# A record's text (and a letter's summary) goes through spaCy one text at a time; half of spaCy's
# default nlp.max_length (1,000,000) leaves room, and is about 250 pages of notes.
LONG_TEXT_MAX_CHARS = 500_000
# Every other text (a name, a code, a treatment, a diagnosis) is a line or a paragraph.
SHORT_TEXT_MAX_CHARS = 10_000

LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX_CHARS)]
ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT_MAX_CHARS)]

CaseDate = Annotated[dt.date, AfterValidator(plausible_date)]


class InjuredWorker(Model):
    age: int | None = Field(default=None, ge=14, le=110)
    sex: Sex | None = None
    occupation: ShortText | None = None


class Injury(Model):
    date: CaseDate
    body_parts: list[BodyPart] = Field(default_factory=list)
    mechanism: ShortText | None = None


class Diagnosis(Model):
    description: ShortText
    icd10: ShortText | None = None


class Provider(Model):
    name: ShortText
    specialty: ShortText | None = None
    group: ShortText | None = None
    requesting: bool = False


class Parties(Model):
    employee: ShortText | None = None  # for conflict screening (family ties, prior treatment)
    employer: ShortText | None = None
    insurer: ShortText | None = None
    claims_administrator: ShortText | None = None
    ur_organization: ShortText | None = None
    ur_physician: ShortText | None = None
    treating_providers: list[Provider] = Field(default_factory=list)
    attorney: ShortText | None = None
    facility: ShortText | None = None
    manufacturers: list[ShortText] = Field(default_factory=list)


class MedicalRecord(Model):
    id: ShortText
    type: RecordType
    date: CaseDate
    author: ShortText | None = None
    author_specialty: ShortText | None = None
    text: LongText


class URItemDecision(Model):
    treatment: ShortText
    outcome: UROutcome = "denied"
    guideline: ShortText | None = None
    authorized: ShortText | None = None  # what UR certified when it modified the request


class URDecision(Model):
    date: CaseDate
    organization: ShortText | None = None
    physician: ShortText | None = None
    conditional_non_certification: bool = False
    items: list[URItemDecision] = Field(default_factory=list)


class DisputedItem(Model):
    id: ShortText
    text: ShortText
    ur_guideline: ShortText | None = None  # the guideline the claims administrator cited

    @field_validator("text")
    @classmethod
    def _says_what_is_disputed(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name the disputed treatment (it is empty)")
        return value


class Case(Model):
    case_number: str = Field(pattern=r"^[A-Z]{2}\d{2}-\d{4,8}$")
    priority: Priority = "regular"
    application_received: CaseDate
    application_signed: bool = True
    ur_decision_attached: bool = True
    date_assigned: CaseDate | None = None
    records_received: CaseDate | None = None
    decision_date: CaseDate | None = None
    worker: InjuredWorker = Field(default_factory=InjuredWorker)
    injury: Injury
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    prior_treatments: list[ShortText] = Field(default_factory=list)
    parties: Parties = Field(default_factory=Parties)
    ur_decision: URDecision
    disputed_items: list[DisputedItem] = Field(min_length=1)
    records: list[MedicalRecord] = Field(default_factory=list)
    summary: LongText | None = (
        None  # a narrative summary, when the case comes from a published letter
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Case:
        injury = self.injury.date
        checks: list[tuple[str, dt.date | None, str, dt.date | None]] = [
            ("ur_decision.date", self.ur_decision.date, "injury.date", injury),
            (
                "application_received",
                self.application_received,
                "ur_decision.date",
                self.ur_decision.date,
            ),
            (
                "date_assigned",
                self.date_assigned,
                "application_received",
                self.application_received,
            ),
            ("decision_date", self.decision_date, "date_assigned", self.date_assigned),
            (
                "records_received",
                self.records_received,
                "application_received",
                self.application_received,
            ),
        ]
        for later_name, later, earlier_name, earlier in checks:
            if later is not None and earlier is not None and later < earlier:
                raise ValueError(
                    f"{later_name} ({later.isoformat()}) is before {earlier_name} ({earlier.isoformat()})"
                )
        for record in self.records:
            if record.date < injury and record.type not in ("other", "imaging", "qme"):
                # a treating note about this injury cannot predate it
                raise ValueError(
                    f"records[{record.id}].date ({record.date.isoformat()}) is before injury.date ({injury.isoformat()})"
                )
        if self.decision_date is not None:
            for record in self.records:
                if record.date > self.decision_date:
                    raise ValueError(
                        f"records[{record.id}].date ({record.date.isoformat()}) is after decision_date "
                        f"({self.decision_date.isoformat()})"
                    )
        ids = [item.id for item in self.disputed_items]
        if len(ids) != len(set(ids)):
            raise ValueError("disputed_items: item ids must be unique")
        rec_ids = [r.id for r in self.records]
        if len(rec_ids) != len(set(rec_ids)):
            raise ValueError("records: record ids must be unique")
        return self

    @property
    def review_date(self) -> dt.date:
        """The date the review is taken to happen: decision date, else assignment, else receipt."""
        return self.decision_date or self.date_assigned or self.application_received
