"""Spelling-tolerant name matching: normalization, the documented threshold, both sides of it."""

from __future__ import annotations

import pytest

from openimr.reviewers.names import NameIndex, NameNormalizer, name_similarity, names_match
from openimr.reviewers.rules import load_rules

THRESHOLD = load_rules().conflicts.similarity_threshold


def test_threshold_is_the_documented_value() -> None:
    assert THRESHOLD == 85


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zenith Insurance Co.", "The Zenith Insurance Company"),
        ("ACME Corp", "Acme Corporation"),
        ("State Comp Ins Fund", "State Compensation Insurance Fund"),
        ("Smith & Jones Medical Group, Inc.", "smith and jones medical group"),
        ("Dr. John Smith, M.D.", "John Smith"),
        ("Bayview Spine & Pain Med. Grp.", "Bayview Spine and Pain Medical Group"),
    ],
)
def test_legal_form_punctuation_case_and_abbreviations_do_not_matter(a: str, b: str) -> None:
    assert name_similarity(a, b) == 100.0


def test_typos_above_threshold_match() -> None:
    score = name_similarity("Zeneth Insurence", "Zenith Insurance")
    assert THRESHOLD <= score < 100
    assert names_match("Zeneth Insurence", "Zenith Insurance")
    assert names_match("Golden State Mutal Insurance", "Golden State Mutual Insurance")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Liberty Insurance", "Zenith Insurance"),
        ("John Smith", "Jane Smith"),
        ("California Medical Group", "California Orthopedic Medical Group"),  # generic words only
        ("Kaiser Permanente", "Sutter Health"),
    ],
)
def test_different_names_stay_below_threshold(a: str, b: str) -> None:
    assert name_similarity(a, b) < THRESHOLD
    assert not names_match(a, b)


def test_subset_needs_a_distinctive_word() -> None:
    assert names_match("Zenith Insurance", "Zenith National Insurance Company")
    assert not names_match("Medical Group", "Pacific Orthopedic Medical Group")
    assert not names_match("Zenith", "Zenith National Insurance")  # one word is not enough


def test_acronym_form_of_long_names() -> None:
    assert names_match("Sedgwick CMS", "Sedgwick Claims Management Services")
    assert not names_match("Sedgwick CMS", "Sedgwick County Hospital")


def test_threshold_parameter_moves_the_boundary() -> None:
    score = name_similarity("Zeneth Insurence", "Zenith Insurance")
    assert names_match("Zeneth Insurence", "Zenith Insurance", threshold=score)
    assert not names_match("Zeneth Insurence", "Zenith Insurance", threshold=score + 1)


def test_empty_after_normalization_never_matches() -> None:
    assert name_similarity("Inc.", "Corp") == 0.0


def test_index_agrees_with_pairwise_and_keeps_owners() -> None:
    normalizer = NameNormalizer.from_rules()
    index = NameIndex(normalizer, THRESHOLD)
    names = [
        "Golden State Mutual Insurance Co.",
        "Sierra Utilization Review Inc.",
        "Sedgwick Claims Management Services",
        "Redwood Valley Surgery Center",
    ]
    for owner, name in enumerate(names):
        index.add(name, owner, 0)
    index.add("golden state mutual insurance company", 7, 2)  # same org, second reviewer
    queries = [
        "Golden State Mutual Ins",
        "Sedgwick CMS",
        "Sierra UR",
        "Redwod Valley Surgery Ctr",
        "Unrelated Holdings",
    ]
    for query in queries:
        owners = {o for pos, _ in index.lookup(query) for o, _ in index.owners[pos]}
        expected = {i for i, name in enumerate(names) if names_match(query, name)}
        if names_match(query, "golden state mutual insurance company"):
            expected.add(7)
        assert owners == expected, query
    assert index.lookup("Golden State Mutual Ins") == index.lookup("Golden State Mutual Ins")
