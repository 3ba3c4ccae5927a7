"""Specialty matching as data: tiers per category, surgery by body part, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from reviewer_builders import req

from openimr.errors import KnowledgeBaseError
from openimr.reviewers.specialties import SPECIALTY_MAP_FILE, load_specialty_map

SMAP = load_specialty_map()


def need(category: str, **fields: object) -> dict[str, float]:
    return dict(SMAP.item_need(req("x", category, **fields)))


def test_chiropractic_by_chiropractor_or_physiatrist_first() -> None:
    chiro = need("chiropractic")
    assert chiro["Chiropractor"] == chiro["Physical Medicine & Rehabilitation"] == 1.0
    assert all(
        fit < 1.0
        for name, fit in chiro.items()
        if name not in ("Chiropractor", "Physical Medicine & Rehabilitation")
    )
    assert "Orthopedic Surgery" not in chiro and "Psychiatry" not in chiro


def test_psychological_only_by_psychiatrist_or_psychologist() -> None:
    assert set(need("psychological")) == {"Psychiatry", "Psychologist"}


def test_surgery_by_the_surgical_specialty_of_the_body_part() -> None:
    assert set(need("surgery", body_parts=["lumbar spine"])) == {
        "Orthopedic Surgery",
        "Neurological Surgery",
    }
    wrist = need("surgery", body_parts=["wrist"])
    assert wrist["Hand Surgery"] == 1.0 and "Neurological Surgery" not in wrist
    assert need("surgery", body_parts=["abdomen"]) == {"Surgery": 1.0}
    unknown = need("surgery")
    assert unknown and all(SMAP.rows[n].surgical and fit < 1.0 for n, fit in unknown.items())
    for body_part in ("knee", "shoulder", "hand", "cervical spine", "foot"):
        assert all(SMAP.rows[n].surgical for n in need("surgery", body_parts=[body_part]))


def test_services_tied_to_an_operation_go_to_the_surgeon() -> None:
    requests = [
        req("Right shoulder arthroscopy", "surgery", body_parts=["shoulder"]),
        req("Associated surgical service: Cold therapy unit", "dme"),
        req("Assistant surgeon", "other"),
    ]
    case_need = SMAP.case_need(requests)
    for _, item in case_need.items:
        assert dict(item)["Orthopedic Surgery"] == 1.0
    # without the operation, the same DME item is not a surgeon's primary field
    alone = SMAP.case_need([requests[1]])
    assert dict(alone.items[0][1]).get("Orthopedic Surgery", 0) < 1.0


def test_conditions_add_the_treating_specialty() -> None:
    case_need = SMAP.case_need([req("CBT", "psychological")], ["Major depressive disorder"])
    assert "Psychiatry" in case_need.condition_specialties


def test_aliases_resolve_to_the_printed_name() -> None:
    assert SMAP.canonical("PM&R") == "Physical Medicine & Rehabilitation"
    assert (
        SMAP.canonical("physical medicine and rehabilitation")
        == "Physical Medicine & Rehabilitation"
    )
    assert SMAP.canonical("Neurosurgery") == "Neurological Surgery"
    assert SMAP.canonical("Astrology") is None
    assert SMAP.allowed_for_degree("Chiropractor", "DC")
    assert not SMAP.allowed_for_degree("Orthopedic Surgery", "DC")


def _write_variant(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(SPECIALTY_MAP_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["categories"]["massage"]["primary"].append("Astrology"),
            "unknown specialty 'Astrology'",
        ),
        (lambda d: d["categories"].pop("imaging"), "no row for imaging"),
        (lambda d: d["categories"]["massage"]["similar"].append("@nobody"), "unknown group"),
        (lambda d: d["surgery_by_body_part"][0]["primary"].append("Psychiatry"), "not surgical"),
        (
            lambda d: d["surgery_by_body_part"][0]["body_parts"].append("spleen"),
            "unknown body part",
        ),
        (lambda d: d["fit"].pop("primary"), "fit.primary"),
    ],
)
def test_invalid_map_fails_loudly(tmp_path: Path, mutate, message: str) -> None:
    with pytest.raises(KnowledgeBaseError, match=message):
        load_specialty_map(_write_variant(tmp_path, mutate))
