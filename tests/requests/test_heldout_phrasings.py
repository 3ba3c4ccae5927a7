"""Phrasings that are NOT in the dev letters, annotated by hand before the parser saw them.

They check that the rules generalize beyond the 299 dev items (different word order,
abbreviations, levels, units). Each row lists every contract field; omitted fields must be
null/empty.
"""

from __future__ import annotations

import pytest

from openimr.requests import parse_request

LIST_FIELDS = ("body_parts", "levels")
SCALAR_FIELDS = (
    "category", "drug", "strength", "quantity", "frequency_per_week", "duration_weeks",
    "sessions", "laterality",
)

CASES: list[tuple[str, dict]] = [
    ("Physical therapy 2x4 for the lumbar spine",
     dict(category="physical_medicine", frequency_per_week=2, duration_weeks=4, sessions=8,
          body_parts=["lumbar spine"])),
    ("Acupuncture #6", dict(category="acupuncture", sessions=6)),
    ("Massage therapy 1 x 6 weeks to the neck",
     dict(category="massage", frequency_per_week=1, duration_weeks=6, sessions=6,
          body_parts=["cervical spine"])),
    ("Gabapentin 600mg #90 with 3 refills",
     dict(category="medication", drug="gabapentin", strength="600 mg", quantity=90)),
    ("Tramadol ER 150 mg, #30",
     dict(category="medication", drug="tramadol", strength="150 mg", quantity=30)),
    ("Lyrica 75mg #60", dict(category="medication", drug="pregabalin", strength="75 mg", quantity=60)),
    ("Ultracet 37.5/325mg #60",
     dict(category="medication", drug="tramadol/acetaminophen", strength="37.5/325 mg", quantity=60)),
    ("Fexmid 7.5 mg #60",
     dict(category="medication", drug="cyclobenzaprine", strength="7.5 mg", quantity=60)),
    ("Right L5-S1 transforaminal epidural steroid injection",
     dict(category="injection", body_parts=["lumbar spine"], laterality="right", levels=["L5-S1"])),
    ("Bilateral L4-5 and L5-S1 medial branch blocks",
     dict(category="injection", body_parts=["lumbar spine"], laterality="bilateral",
          levels=["L4-L5", "L5-S1"])),
    ("C5-6 anterior cervical discectomy and fusion",
     dict(category="surgery", body_parts=["cervical spine"], levels=["C5-C6"])),
    ("Cervical epidural steroid injection at C6-C7",
     dict(category="injection", body_parts=["cervical spine"], levels=["C6-C7"])),
    ("MRI of the left ankle with and without contrast",
     dict(category="imaging", body_parts=["ankle"], laterality="left")),
    ("CT of the right wrist", dict(category="imaging", body_parts=["wrist"], laterality="right")),
    ("Home health care 4 hours a day, 5 days a week for 4 weeks",
     dict(category="home_health", frequency_per_week=5, duration_weeks=4, sessions=20)),
    ("Functional restoration program x 80 hours", dict(category="program")),
    ("Cognitive behavioral therapy 6 sessions", dict(category="psychological", sessions=6)),
    ("Psychotherapy once a week for 8 weeks",
     dict(category="psychological", frequency_per_week=1, duration_weeks=8, sessions=8)),
    ("Aquatic therapy twice weekly for six weeks",
     dict(category="physical_medicine", frequency_per_week=2, duration_weeks=6, sessions=12)),
    ("Chiropractic manipulation 3x/week x 4 weeks for the low back",
     dict(category="chiropractic", frequency_per_week=3, duration_weeks=4, sessions=12,
          body_parts=["lumbar spine"])),
    ("Left knee arthroscopy with partial medial meniscectomy",
     dict(category="surgery", body_parts=["knee"], laterality="left")),
    ("Right carpal tunnel release", dict(category="surgery", body_parts=["wrist"], laterality="right")),
    ("Lumbar brace", dict(category="dme", body_parts=["lumbar spine"])),
    ("Knee brace for the right knee", dict(category="dme", body_parts=["knee"], laterality="right")),
    ("Interferential unit 30-day trial", dict(category="dme", duration_weeks=4.29)),
    ("Orthopedic consultation for the right shoulder",
     dict(category="consultation", body_parts=["shoulder"], laterality="right")),
    ("Pain management consultation", dict(category="consultation")),
    ("Urine drug screen", dict(category="laboratory")),
    ("Naproxen sodium 550mg #60",
     dict(category="medication", drug="naproxen", strength="550 mg", quantity=60)),
    ("Omeprazole 20 mg #30", dict(category="medication", drug="omeprazole", strength="20 mg", quantity=30)),
    ("Terocin patches #30",
     dict(category="medication", drug="methyl salicylate/capsaicin/menthol/lidocaine", quantity=30)),
    ("Norco 10/325 #90",
     dict(category="medication", drug="hydrocodone/acetaminophen", strength="10/325 mg", quantity=90)),
    ("Butrans 10mcg/hr patch #4",
     dict(category="medication", drug="buprenorphine", strength="10 mcg/h", quantity=4)),
    ("Duragesic 25 mcg/hr #10",
     dict(category="medication", drug="fentanyl", strength="25 mcg/h", quantity=10)),
    ("Ambien 10mg #30", dict(category="medication", drug="zolpidem", strength="10 mg", quantity=30)),
    ("Soma 350mg #60", dict(category="medication", drug="carisoprodol", strength="350 mg", quantity=60)),
    ("Zanaflex 4 mg #90", dict(category="medication", drug="tizanidine", strength="4 mg", quantity=90)),
    ("Cymbalta 60mg #30", dict(category="medication", drug="duloxetine", strength="60 mg", quantity=30)),
    ("Physical therapy eight (8) sessions for the right ankle",
     dict(category="physical_medicine", sessions=8, body_parts=["ankle"], laterality="right")),
    ("Post-operative physical therapy 3 x 4 for the left shoulder",
     dict(category="physical_medicine", frequency_per_week=3, duration_weeks=4, sessions=12,
          body_parts=["shoulder"], laterality="left")),
    ("X-ray of the bilateral knees, standing",
     dict(category="imaging", body_parts=["knee"], laterality="bilateral")),
    ("Hinged knee brace, purchase", dict(category="dme", body_parts=["knee"])),
    ("Hot and cold therapy unit, 7 day rental", dict(category="dme", duration_weeks=1)),
    ("12 sessions of work hardening", dict(category="program", sessions=12)),
    ("Physical therapy evaluation and treatment 2 times a week for 6 weeks",
     dict(category="physical_medicine", frequency_per_week=2, duration_weeks=6, sessions=12)),
    ("Trigger point injections x 4 to the trapezius", dict(category="injection")),
    ("Lumbar facet radiofrequency ablation at L3-L4, L4-L5 bilaterally",
     dict(category="injection", body_parts=["lumbar spine"], laterality="bilateral",
          levels=["L3-L4", "L4-L5"])),
    ("Weight loss program", dict(category="program")),
    ("Toradol 60mg IM injection", dict(category="medication", drug="ketorolac", strength="60 mg")),
    ("Cortisone injection right shoulder",
     dict(category="injection", body_parts=["shoulder"], laterality="right")),
    ("Psychiatric evaluation", dict(category="psychological")),
    ("Physical therapy for the left hip, 2 x week x 6 weeks",
     dict(category="physical_medicine", frequency_per_week=2, duration_weeks=6, sessions=12,
          body_parts=["hip"], laterality="left")),
    ("Gabapentin 300 mg 1 tab PO TID #90",
     dict(category="medication", drug="gabapentin", strength="300 mg", quantity=90)),
    ("Additional 6 chiropractic visits for the cervical spine",
     dict(category="chiropractic", sessions=6, body_parts=["cervical spine"])),
    ("Acupuncture 2x6 for the right wrist",
     dict(category="acupuncture", frequency_per_week=2, duration_weeks=6, sessions=12,
          body_parts=["wrist"], laterality="right")),
    ("MRI lumbar spine w/o contrast", dict(category="imaging", body_parts=["lumbar spine"])),
    ("Meloxicam 15mg, thirty (30) tablets",
     dict(category="medication", drug="meloxicam", strength="15 mg", quantity=30)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_heldout_phrasing(text: str, expected: dict) -> None:
    got = parse_request(text).contract_dict()
    for name in SCALAR_FIELDS:
        assert got[name] == expected.get(name, "other" if name == "category" else None), name
    for name in LIST_FIELDS:
        assert sorted(got[name]) == sorted(expected.get(name, [])), name
