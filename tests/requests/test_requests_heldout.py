"""Phrasings that are NOT in the dev letters, annotated by hand before the parser saw them.

They check that the rules generalize beyond the 299 dev items (other word orders,
abbreviations, spinal levels, units). Every contract field is compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openimr.requests import parse_request
from openimr.requests.scoring import LIST_FIELDS, SCALAR_FIELDS, load_gold

CASES = load_gold(Path(__file__).parent / "data" / "heldout_phrasings.jsonl")


@pytest.mark.parametrize("row", CASES, ids=[row["text"][:40] for row in CASES])
def test_heldout_phrasing(row: dict) -> None:
    got = parse_request(row["text"]).contract_dict()
    for name in SCALAR_FIELDS:
        expected = row[name]
        if isinstance(expected, float | int) and got[name] is not None:
            assert got[name] == pytest.approx(expected, abs=0.01), name
        else:
            assert got[name] == expected, name
    for name in LIST_FIELDS:
        assert sorted(got[name]) == sorted(row[name]), name


CASES_B = load_gold(Path(__file__).parent / "data" / "heldout_phrasings_b.jsonl")


@pytest.mark.parametrize("row", CASES_B, ids=[row["text"][:40] for row in CASES_B])
def test_heldout_phrasing_set_b(row: dict) -> None:
    test_heldout_phrasing(row)


CASES_C = load_gold(Path(__file__).parent / "data" / "heldout_phrasings_c.jsonl")


@pytest.mark.parametrize("row", CASES_C, ids=[row["text"][:40] for row in CASES_C])
def test_heldout_phrasing_set_c(row: dict) -> None:
    test_heldout_phrasing(row)
