"""Citation parsing and matching: every guideline section the dev letters cite resolves to a row."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from openimr.guidelines import (
    citation_agrees,
    load_knowledge_base,
    match_citation,
    normalize_citation,
    parse_citations,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OPENIMR_SHARED", REPO.parent / "shared")).resolve()
LETTERS_JSONL = SHARED / "data" / "dwc-imr-letters" / "dwc_imr_letters_2016_2017.jsonl"
SEED = SHARED / "data" / "seed" / "imr-final-determination-2015-massage.txt"


def _guideline_lines() -> list[str]:
    if not LETTERS_JSONL.exists():
        return []
    lines = []
    for raw in LETTERS_JSONL.read_text(encoding="utf-8").splitlines():
        for item in json.loads(raw)["items"]:
            if item.get("maximus_guideline"):
                lines.append(item["maximus_guideline"])
    return sorted(set(lines))


@pytest.mark.skipif(not LETTERS_JSONL.exists(), reason="dev letters not available")
def test_every_cited_guideline_section_in_the_dev_letters_resolves_to_a_row() -> None:
    kb = load_knowledge_base()
    pairs = 0
    unresolved = []
    for line in _guideline_lines():
        for ref in parse_citations(line, kb):
            if ref.guideline_key == "other":  # a textbook or web page, not a guideline
                continue
            pairs += 1
            if not kb.resolve(ref):
                unresolved.append(f"{ref.guideline_key}:{ref.section_key} <- {line[:100]}")
    assert pairs > 150
    assert unresolved == []


@pytest.mark.skipif(not LETTERS_JSONL.exists(), reason="dev letters not available")
def test_every_mtus_citation_line_yields_an_mtus_pair() -> None:
    kb = load_knowledge_base()
    for line in _guideline_lines():
        if "Decision based on MTUS" in line:
            assert any(r.level == "mtus" for r in parse_citations(line, kb)), line


def test_spelling_variants_normalize_to_the_same_pair() -> None:
    a = normalize_citation(
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs, GI symptoms & cardiovascular risk."
    )
    b = normalize_citation(
        "Decision based on MTUS Chronic Pain Medical Treatment 2016 Guidelines, Section(s): NSAIDs, GI symptoms and cardiovascular risk"
    )
    c = normalize_citation(
        "MTUS Chronic Pain Medical Treatment Guidelines 2009, Section(s): NSAIDs, GI symptoms & cardiovascular risk, Page(s): 68-69"
    )
    assert a == b == c == ("mtus_cpmtg", "nsaid gi symptom and cardiovascular risk")


def test_odg_chapter_spellings_match_one_document() -> None:
    kb = load_knowledge_base()
    lines = [
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Knee & Leg, Durable medical equipment (DME).",
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Knee and Leg (Durable medical equipment (DME)).",
    ]
    rows = [match_citation(line, kb) for line in lines]
    assert rows[0] is not None and rows[0].id == rows[1].id == "odg_knee.dme"


def test_compound_line_yields_every_document_and_section() -> None:
    refs = parse_citations(
        "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies, Summary, "
        "and Chronic Pain Medical Treatment 2016, Section(s): Electro- diagnostic testing (EMG/NCS). "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low back, Manipulation; "
        "Neck and Upper back, Manipulation."
    )
    assert [(r.guideline_key, r.section_key) for r in refs] == [
        ("mtus_neck", "special studie"),
        ("mtus_neck", "summary"),
        ("mtus_cpmtg", "electrodiagnostic testing emg ncs"),
        ("odg_low_back", "manipulation"),
        ("odg_neck", "manipulation"),
    ]
    assert [r.edition for r in refs[:3]] == ["2004", "2004", "2016"]


def test_section_names_with_commas_are_not_split() -> None:
    refs = parse_citations(
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): TENS, chronic pain (transcutaneous electrical nerve stimulation)."
    )
    assert len(refs) == 1
    assert (
        match_citation(
            "MTUS Chronic Pain Medical Treatment 2016, Section(s): TENS, chronic pain (transcutaneous electrical nerve stimulation)"
        ).id
        == "cpmtg2016.tens"
    )


def test_whole_document_and_page_only_citations_match_the_document() -> None:
    kb = load_knowledge_base()
    (acu,) = parse_citations("Decision based on MTUS Acupuncture Treatment 2007.", kb)
    assert acu.section_key is None
    assert kb.resolve(acu)[0].id.startswith("mtus_acu2007.")
    refs = parse_citations("Decision based on MTUS Elbow Complaints 2007, Section(s): 326.", kb)
    assert refs and all(r.guideline_key == "mtus_elbow" for r in refs)


def test_cited_edition_is_preferred() -> None:
    assert (
        match_citation("MTUS Chronic Pain Medical Treatment 2009, Section(s): Massage therapy").id
        == "cpmtg2009.massage"
    )
    assert (
        match_citation("MTUS Chronic Pain Medical Treatment 2016, Section(s): Massage therapy").id
        == "cpmtg2016.massage"
    )


def test_non_guideline_sources_and_empty_lines_do_not_match() -> None:
    assert (
        match_citation("The Expert Reviewer did not cite any medical evidence for its decision.")
        is None
    )
    assert normalize_citation("") == (None, None)
    refs = parse_citations(
        "Decision based on Non-MTUS Citation Green's Operative Hand Surgery, 6th ed Chapter 17."
    )
    assert [r.guideline_key for r in refs] == ["other"]
    assert (
        match_citation("MTUS Chronic Pain Medical Treatment 2016, Section(s): Unicorn therapy")
        is None
    )


@pytest.mark.skipif(not SEED.exists(), reason="seed letter not available")
def test_seed_letter_2015_format_resolves_both_sections() -> None:
    text = SEED.read_text(encoding="utf-8")
    start = text.index("MAXIMUS guideline:")
    line = " ".join(text[start : text.index("\n\n", text.index("Page(s)", start))].split())
    refs = parse_citations(line.replace("MAXIMUS guideline:", ""))
    assert [(r.guideline_key, r.section_key) for r in refs] == [
        ("mtus_cpmtg", "massage therapy"),
        ("mtus_cpmtg", "physical medicine"),
    ]


def test_citation_agrees_compares_document_and_section_not_edition() -> None:
    kb = load_knowledge_base()
    line = "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies."
    assert citation_agrees(line, kb.get("mtus_sh2004.mri"), kb)
    assert citation_agrees(line, kb.get("mtus_sh2004.xray"), kb)
    assert not citation_agrees(line, kb.get("mtus_sh2004.surgery_rotator_cuff"), kb)
    assert not citation_agrees(line, kb.get("mtus_knee2004.mri"), kb)
    assert citation_agrees(
        line.replace("Special Studies", "Summary"), kb.get("mtus_sh2004.surgery_rotator_cuff"), kb
    )
    massage_2009 = "MTUS Chronic Pain Treatment Guidelines Massage therapy Page(s): 60"
    assert citation_agrees(massage_2009, kb.get("cpmtg2016.massage"), kb)


def test_numbered_section_covers_its_subsections_only() -> None:
    kb = load_knowledge_base()
    whole = "Decision based on MTUS Opioid Treatment 2016, Section(s): 3. Opioids for Chronic Pain and Chronic Opioid Treatment: Overview of Recommendations Regarding Chronic Opioid Treatment."
    assert citation_agrees(whole, kb.get("mtus_opioids2016.chronic_maintenance"), kb)
    assert citation_agrees(whole, kb.get("mtus_opioids2016.chronic_initiation"), kb)
    assert not citation_agrees(whole, kb.get("mtus_opioids2016.subacute"), kb)
    # the converse does not hold: a subsection citation does not name its parent section
    narrow = "Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3.3 Opioids for Chronic Pain and Chronic Opioid Treatment: Initiation of Chronic Opioid Treatment."
    assert not citation_agrees(narrow, kb.get("mtus_opioids2016.chronic_overview"), kb)
    assert not citation_agrees(narrow, kb.get("mtus_opioids2016.chronic_maintenance"), kb)
    # the section itself resolves before its subsections
    (ref,) = parse_citations(whole, kb)
    assert kb.resolve(ref)[0].id == "mtus_opioids2016.chronic_overview"
