"""Precedent letters built directly (no parsing), so store tests test the store."""

from __future__ import annotations

import datetime as dt
import hashlib

from openimr.domain.precedent import PrecedentItem, PrecedentLetter

REGION = {"lumbar spine": "spine", "cervical spine": "spine", "knee": "lower_limb",
          "shoulder": "upper_limb", "wrist": "upper_limb"}  # fmt: skip


def item(
    case: str,
    n: int,
    treatment: str,
    category: str,
    decision: str = "Upheld",
    parts: tuple[str, ...] = (),
    drug: str | None = None,
    guideline: str | None = "mtus_cpmtg",
    rationale: str = "The guideline criteria are not met.",
    specialty: str = "Orthopedic Surgery",
    day: dt.date = dt.date(2017, 1, 15),
) -> PrecedentItem:
    return PrecedentItem(
        case_number=case,
        item=n,
        treatment=treatment,
        decision=decision,  # type: ignore[arg-type]
        category=category,  # type: ignore[arg-type]
        drug=drug,
        body_parts=list(parts),  # type: ignore[arg-type]
        regions=list(dict.fromkeys(REGION[p] for p in parts)),
        guideline=guideline,
        guideline_text=f"Decision based on {guideline}",
        rationale=rationale,
        reviewer_specialty=specialty,
        decision_date=day,
    )


def letter(case: str, *items: PrecedentItem, salt: str = "") -> PrecedentLetter:
    digest = hashlib.sha256(
        ("".join(i.model_dump_json() for i in items) + salt).encode()
    ).hexdigest()
    return PrecedentLetter(case_number=case, content_hash=digest, source_name=f"{case}.txt",
                           items=list(items))  # fmt: skip


def small_corpus() -> list[PrecedentLetter]:
    return [
        letter(
            "CM17-0000001",
            item("CM17-0000001", 1, "MRI of the lumbar spine", "imaging", parts=("lumbar spine",),
                 guideline="mtus_low_back", rationale="No red flags; MRI of the lumbar spine is not"
                 " indicated."),
            item("CM17-0000001", 2, "Physical therapy 12 sessions for the lumbar spine",
                 "physical_medicine", decision="Overturned", parts=("lumbar spine",),
                 rationale="Therapy for the lumbar spine after surgery is recommended."),
        ),
        letter(
            "CM17-0000002",
            item("CM17-0000002", 1, "MRI of the right knee", "imaging", parts=("knee",),
                 guideline="odg_knee", decision="Overturned", specialty="Sports Medicine",
                 day=dt.date(2016, 11, 2)),
            item("CM17-0000002", 2, "Norco 10/325 mg #60", "medication",
                 drug="hydrocodone/acetaminophen", guideline="mtus_opioids_2016",
                 rationale="No documented functional improvement on opioids; the lumbar spine"
                 " MRI lumbar findings do not change this."),
        ),
        letter(
            "CM17-0000003",
            item("CM17-0000003", 1, "Cervical spine MRI", "imaging", parts=("cervical spine",),
                 guideline="mtus_neck"),
            item("CM17-0000003", 2, "Lumbar spine x-ray", "imaging", parts=("lumbar spine",),
                 guideline="mtus_low_back", decision="Overturned"),
        ),
    ]  # fmt: skip
