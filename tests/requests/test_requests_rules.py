"""DESIGN.md field rules, one behaviour per test, on texts written for the test."""

from __future__ import annotations

import pytest

from openimr.requests import parse_request, parse_requests

PARTIAL = (
    "Massage therapy 10 sessions to the right shoulder was the original request. Massage therapy "
    "4 sessions was authorized by the Claims Administrator. The remaining IMR eligible portion of "
    "the original request, Massage therapy 6 sessions is"
)


def test_partial_authorization_fields_describe_the_disputed_remainder() -> None:
    r = parse_request(PARTIAL)
    assert r.category == "massage"
    assert r.sessions == 6
    # Z leaves out the body part and side; they come from the original request X.
    assert r.body_parts == ["shoulder"]
    assert r.laterality == "right"
    pa = r.partial_authorization
    assert pa is not None
    assert (pa.original.sessions, pa.authorized.sessions, pa.disputed.sessions) == (10, 4, 6)
    assert pa.disputed.text == "Massage therapy 6 sessions"


def test_partial_authorization_whole_original_remains_disputed() -> None:
    text = (
        "Tizanidine 4mg #90 was the original request. The Claims Administrator authorized "
        "Tizanidine 4mg #30, leaving the original request IMR eligible. The original request, "
        "Tizanidine 4mg #90 is"
    )
    r = parse_request(text)
    assert (r.drug, r.strength, r.quantity) == ("tizanidine", "4 mg", 90)
    assert r.partial_authorization.authorized.quantity == 30


def test_amounts_are_not_inherited_from_the_original() -> None:
    text = (
        "Aquatic therapy 2 times a week for 6 weeks for the low back was the original request. "
        "Aquatic therapy 4 sessions was authorized by the Claims Administrator. The remaining IMR "
        "eligible portion of the original request, Aquatic therapy 8 sessions is"
    )
    r = parse_request(text)
    assert (r.sessions, r.frequency_per_week, r.duration_weeks) == (8, None, None)
    assert r.body_parts == ["lumbar spine"]


@pytest.mark.parametrize(
    ("text", "frequency", "duration", "sessions"),
    [
        ("Physical therapy 2 times a week for 6 weeks", 2, 6, 12),
        ("Physical therapy 2-3 times a week for 6 weeks", 3, 6, 18),
        ("Chiropractic 1 times 8", 1, 8, 8),
        ("Acupuncture twice weekly for a month", 2, 4, 8),
        ("Acupuncture twice weekly for 1 month", 2, 4, 8),
        ("Six sessions of massage once a week for 8 weeks", 1, 8, 6),
        ("Acupuncture 2 times a week for 3 weeks (6)", 2, 3, 6),
    ],
)
def test_frequency_duration_sessions(text, frequency, duration, sessions) -> None:
    r = parse_request(text)
    assert (r.frequency_per_week, r.duration_weeks, r.sessions) == (frequency, duration, sessions)


def test_count_on_a_course_is_sessions_and_on_imaging_is_ignored() -> None:
    assert parse_request("Acupuncture #6").sessions == 6
    assert parse_request("Acupuncture #6").quantity is None
    mri = parse_request("MRI of the cervical spine times 2")
    assert (mri.sessions, mri.quantity) == (None, None)


def test_medication_dosing_is_not_frequency() -> None:
    r = parse_request("Naproxen 550mg one tablet twice a day for 30 days #60")
    assert r.frequency_per_week is None
    assert r.sessions is None
    assert r.quantity == 60
    assert r.duration_weeks == pytest.approx(4.29)


def test_quantity_is_per_fill_and_refills_are_separate() -> None:
    r = parse_request("Diclofenac sodium ER 100mg #30 with 5 refills")
    assert (r.quantity, r.refills) == (30, 5)


def test_grams_and_ml_are_not_quantities() -> None:
    assert parse_request("Capsaicin 0.075% cream 60 grams").quantity is None
    assert parse_request("Ketoprofen 10% cream #120 gm").quantity is None
    assert parse_request("Synapryn 10mg/ml 250ml").quantity is None


@pytest.mark.parametrize(
    ("text", "levels", "parts"),
    [
        ("Facet joint injections L4-5, L5-S1", ["L4-L5", "L5-S1"], ["lumbar spine"]),
        ("Epidural steroid injection at L4", ["L4"], ["lumbar spine"]),
        ("Cervical fusion C5-C6 and C6-7", ["C5-C6", "C6-C7"], ["cervical spine"]),
        ("T12-L1 kyphoplasty", ["T12-L1"], ["thoracic spine"]),
        ("Lumbar fusion L3-L5", ["L3-L4", "L4-L5"], ["lumbar spine"]),
        ("Right L4-S1 TFESI", ["L4-L5", "L5-S1"], ["lumbar spine"]),
    ],
)
def test_levels_are_normalized_and_imply_their_region(text, levels, parts) -> None:
    r = parse_request(text)
    assert r.levels == levels
    assert r.body_parts == parts


def test_impossible_levels_are_not_levels() -> None:
    assert parse_request("MRI L9-L12").levels == []


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("X-ray of the left wrist", "left"),
        ("NCS RUE", "right"),
        ("EMG of both upper extremities", "bilateral"),
        ("PT for the left knee and right hip", "bilateral"),
        ("MRI of the cervical spine", None),
    ],
)
def test_laterality(text, side) -> None:
    assert parse_request(text).laterality == side


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("PT to the low back", "lumbar spine"),
        ("MRI of the neck", "cervical spine"),
        ("Brace for the lower leg", "lower extremity"),
        ("SI joint injection", "sacroiliac joint"),
    ],
)
def test_body_part_synonyms(text, part) -> None:
    assert part in parse_request(text).body_parts


@pytest.mark.parametrize(
    ("text", "contrast"),
    [
        ("MRI with and without contrast", "with and without"),
        ("CT without dye", "without"),
        ("MRI lumbar spine with contrast", "with"),
        ("MRI lumbar spine", None),
    ],
)
def test_contrast(text, contrast) -> None:
    assert parse_request(text).contrast == contrast


@pytest.mark.parametrize(
    ("text", "drug", "drug_class"),
    [
        ("Norco 10/325mg #60", "hydrocodone/acetaminophen", "opioid"),
        ("Ultracet 37.5/325mg #60", "tramadol/acetaminophen", "opioid"),
        ("Fexmid 7.5mg #60", "cyclobenzaprine", "muscle_relaxant"),
        ("Protonix 20mg #60", "pantoprazole", "gi_protectant"),
        ("Lidoderm 5% patch #30", "lidocaine", "topical"),
        ("Gabapentin 10%, Ketoprofen 10% in cream base", "gabapentin/ketoprofen", "compound"),
        ("Xanax 0.5mg #30", "alprazolam", "benzodiazepine"),
        ("Imitrex 50mg #9", "sumatriptan", "triptan"),
    ],
)
def test_drugs_and_classes(text, drug, drug_class) -> None:
    r = parse_request(text)
    assert r.category == "medication"
    assert (r.drug, r.drug_class) == (drug, drug_class)


def test_dose_form_and_route() -> None:
    r = parse_request("Omeprazole 20mg capsule, 1 by mouth daily #30")
    assert (r.dose_form, r.route, r.quantity) == ("capsule", "oral", 30)
    patch = parse_request("Flector 1.3% patch #30")
    assert (patch.dose_form, patch.route, patch.strength) == ("patch", "transdermal", "1.3%")


def test_a_procedure_using_a_drug_is_not_a_medication() -> None:
    r = parse_request("Injection of lidocaine 1% and Depo-Medrol 40mg to the left shoulder")
    assert r.category == "injection"
    assert r.drug is None and r.strength is None


def test_lab_pt_ptt_is_not_physical_therapy() -> None:
    assert parse_request("Pre-op PT/PTT").category == "laboratory"


def test_parse_requests_keeps_order() -> None:
    texts = ["MRI of the knee", "Norco 5/325mg #30", "", "Acupuncture x 6"]
    results = parse_requests(texts)
    assert [r.text for r in results] == texts
    assert [r.category for r in results] == ["imaging", "medication", "other", "acupuncture"]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Arthroscopy consult for the right knee", "consultation"),
        ("Knee surgery second opinion", "consultation"),
        ("Lumbar epidural steroid injection with pain management consult", "injection"),
        ("Right shoulder arthroscopy and decompression", "surgery"),
    ],
)
def test_consult_after_a_procedure_is_the_head(text, category) -> None:
    assert parse_request(text).category == category


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Tramdol 50mg #60", "tramadol"),
        ("Methylpredniosone 4mg dose pack", "methylprednisolone"),
        ("Cyclobenzeprine 7.5mg #60", "cyclobenzaprine"),
    ],
)
def test_misspelled_drug_names_are_matched_with_lower_confidence(text, drug) -> None:
    r = parse_request(text)
    assert (r.category, r.drug) == ("medication", drug)
    assert r.confidence <= 0.8


def test_fuzzy_matching_does_not_invent_drugs() -> None:
    assert parse_request("Celebrate the weekend").drug is None


def test_thyroid_tests_are_not_vertebrae() -> None:
    r = parse_request("Labs: CBC, T3, T4, TSH")
    assert (r.category, r.levels, r.body_parts) == ("laboratory", [], [])


@pytest.mark.parametrize(
    ("text", "drug_class"),
    [
        ("Muscle relaxants", "muscle_relaxant"),
        ("Compounded creams", "compound"),
        ("Unspecified pain medications", "other"),
        ("Proton pump inhibitor", "gi_protectant"),
    ],
)
def test_a_drug_class_without_a_drug(text, drug_class) -> None:
    r = parse_request(text)
    assert (r.category, r.drug, r.drug_class) == ("medication", None, drug_class)


def test_class_words_do_not_override_a_service() -> None:
    assert parse_request("Medication management consultation").category == "consultation"
    assert parse_request("Norco 10/325mg #60").drug_class == "opioid"


def test_seed_letter_item() -> None:
    r = parse_request("Massage Therapy 2 Times A Week for 6 Weeks to The Right Wrist")
    assert (r.category, r.frequency_per_week, r.duration_weeks, r.sessions) == ("massage", 2, 6, 12)
    assert (r.body_parts, r.laterality) == (["wrist"], "right")
