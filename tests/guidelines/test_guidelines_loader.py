"""The knowledge base loads, every row validates with provenance, and bad data fails loudly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openimr.domain.facts import FACT_KINDS
from openimr.errors import KnowledgeBaseError, NotFoundError
from openimr.guidelines import load_knowledge_base
from openimr.guidelines.check_params import SessionsAtMost
from openimr.guidelines.loader import DATA_DIR, data_files, load_files

GOOD_ROW = """
document:
  key: test_doc
  guideline: Test Guideline
  level: mtus
  editions:
    - {edition: "2016", id_prefix: t2016}
  source: test
rows:
  - id: ok_row
    section: Massage therapy
    treatments: {categories: [massage], synonyms: [massage]}
    status: recommended
    criteria:
      - {id: visits, role: limit, description: up to 6, check: sessions_at_most, params: {max: 6}, gap: fewer visits}
    provenance: {source: test}
    rationale: test row
"""


def _write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    folder = tmp_path / "mtus"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_knowledge_base_is_large_and_every_row_has_provenance_and_criteria() -> None:
    kb = load_knowledge_base()
    distinct = {(kb.document_of(r.id).key, r.id.split(".", 1)[1]) for r in kb.rows}
    assert len(distinct) > 150  # distinct recommendations, editions not double counted
    assert len({r.id for r in kb.rows}) == len(kb.rows)
    for rec in kb.rows:
        assert rec.provenance.source.strip(), rec.id
        assert rec.rationale.strip(), rec.id
        assert rec.criteria, rec.id
        for crit in rec.criteria:
            if crit.required and crit.check != "not_recommended":
                assert crit.gap, f"{rec.id}:{crit.id} needs a gap sentence"
            kinds = [getattr(crit.params, "kind", None), *getattr(crit.params, "kinds", [])]
            for kind in kinds:
                assert kind is None or kind in FACT_KINDS, f"{rec.id}:{crit.id} {kind}"


def test_all_levels_and_required_documents_are_present() -> None:
    kb = load_knowledge_base()
    assert {r.level for r in kb.rows} >= {"mtus", "acoem_odg", "other_guideline"}
    for key in [
        "mtus_cpmtg",
        "mtus_opioids_2016",
        "mtus_acupuncture",
        "mtus_postsurgical",
        "mtus_neck",
        "mtus_shoulder",
        "mtus_elbow",
        "mtus_forearm_wrist_hand",
        "mtus_low_back",
        "mtus_knee",
        "mtus_ankle_foot",
        "mtus_stress",
        "mtus_general_approaches",
        "mtus_acoem_chronic_pain",
        "mtus_acoem_opioids",
        "mtus_acoem_low_back",
        "mtus_acoem_cervical_thoracic",
        "mtus_acoem_initial_approaches",
        "mtus_formulary",
    ]:
        assert key in kb.documents, key


def test_editions_have_effective_dates_in_sequence() -> None:
    kb = load_knowledge_base()
    massage_2009, massage_2016 = kb.get("cpmtg2009.massage"), kb.get("cpmtg2016.massage")
    assert massage_2009.pages == "60"  # 2009 pagination
    assert massage_2016.pages is None  # the 2016 update is cited by section only
    assert massage_2009.effective_to < massage_2016.effective_from
    assert str(massage_2016.effective_from) == "2016-07-29"
    # from the 2016 update, opioids are governed by the Opioids Treatment Guidelines only
    assert "cpmtg2009.opioids_criteria" in {r.id for r in kb.rows}
    assert "cpmtg2016.opioids_criteria" not in {r.id for r in kb.rows}
    assert (
        kb.get("mtus_opioids2016.chronic_maintenance").effective_from == massage_2016.effective_from
    )
    assert str(kb.get("mtus_acoem_op2017.opioids_chronic").effective_from) == "2017-12-01"
    assert str(kb.get("mtus_formulary2018.special_fill").effective_from) == "2018-01-01"
    assert (
        kb.get("cpmtg2016.massage").effective_to
        < kb.get("mtus_acoem_op2017.opioids_chronic").effective_from
    )


def test_unknown_row_id_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="nope"):
        load_knowledge_base().get("nope")


def test_good_file_loads(tmp_path: Path) -> None:
    files = load_files(_write(tmp_path, GOOD_ROW, "good.yaml"))
    assert [r.id for r in files[0].rows] == ["t2016.ok_row"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("status: recommended", "status: maybe"), "row ok_row: status"),
        (
            ("check: sessions_at_most, params: {max: 6}", "check: sessions_at_most, params: {}"),
            "row ok_row: criterion visits: params.max: Field required",
        ),
        (
            (
                "check: sessions_at_most, params: {max: 6}",
                "check: fact_present, params: {kind: unicorn}",
            ),
            "unknown fact kind",
        ),
        ((", gap: fewer visits", ""), "needs a gap"),
        (("rationale: test row", "rationale: test row\n    surprise: 1"), "row ok_row: surprise"),
        (
            ("treatments: {categories: [massage]", "treatments: {categories: [massages]"),
            "row ok_row: treatments",
        ),
        (
            ("synonyms: [massage]}", "synonyms: [massage], while_taking: [opiates]}"),
            "while_taking: unknown drug class",
        ),
    ],
)
def test_invalid_row_names_file_and_row(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in GOOD_ROW
    with pytest.raises(KnowledgeBaseError) as err:
        load_files(_write(tmp_path, GOOD_ROW.replace(*change)))
    assert "bad.yaml" in str(err.value)
    assert message in str(err.value)


def test_only_editions_must_name_editions_of_the_document(tmp_path: Path) -> None:
    text = GOOD_ROW.replace("  - id: ok_row\n", '  - id: ok_row\n    only_editions: ["1999"]\n')
    with pytest.raises(KnowledgeBaseError, match="row ok_row: only_editions"):
        load_files(_write(tmp_path, text))


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"bad.yaml: not valid YAML line \d+"):
        load_files(
            _write(tmp_path, GOOD_ROW.replace("synonyms: [massage]}", "synonyms: [massage}"))
        )


def test_duplicate_row_ids_across_files_fail(tmp_path: Path) -> None:
    _write(tmp_path, GOOD_ROW, "a.yaml")
    _write(tmp_path, GOOD_ROW.replace("key: test_doc", "key: other_doc"), "b.yaml")
    with pytest.raises(KnowledgeBaseError, match="t2016.ok_row"):
        load_files(tmp_path)


def test_real_data_file_with_a_bad_row_is_reported(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / "mtus" / "acupuncture_2007.yaml"
    path.write_text(path.read_text().replace("check: frequency_at_most", "check: visits_at_most"))
    with pytest.raises(
        KnowledgeBaseError,
        match=r"acupuncture_2007.yaml: row acupuncture: criterion \w+: unknown check 'visits_at_most'",
    ):
        load_files(tmp_path / "data")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("{maxx: 6}", "params.maxx: Extra inputs are not permitted"),  # misspelt key
        ("{max: 6, include_prior: false}", "params.include_prior: Extra inputs are not permitted"),
        (
            "{max: six}",
            "params.max: Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_a_misspelt_or_unknown_param_is_refused_at_load(
    tmp_path: Path, params: str, message: str
) -> None:
    text = GOOD_ROW.replace("params: {max: 6}", f"params: {params}")
    with pytest.raises(KnowledgeBaseError) as err:
        load_files(_write(tmp_path, text))
    assert str(err.value) == f"bad.yaml: row ok_row: criterion visits: {message}"


@pytest.mark.parametrize(
    ("applies_if", "message"),
    [
        ("continuation", "applies_if: Input should be a valid dictionary"),  # the old string form
        ("{when: sometimes}", "applies_if.when: Input should be 'initial' or 'continuation'"),
        ("{unless: continuation}", "applies_if.unless: Extra inputs are not permitted"),
        ("{without_facts: [unicorn]}", "unknown fact kind(s) ['unicorn']"),
        ("{}", "applies_if needs when, with_facts or without_facts"),
    ],
)
def test_an_unknown_applies_if_is_refused_at_load(
    tmp_path: Path, applies_if: str, message: str
) -> None:
    text = GOOD_ROW.replace(
        ", gap: fewer visits}", f", applies_if: {applies_if}, gap: fewer visits}}"
    )
    with pytest.raises(KnowledgeBaseError) as err:
        load_files(_write(tmp_path, text))
    assert str(err.value).startswith("bad.yaml: row ok_row: criterion visits: ")
    assert message in str(err.value)


def test_applies_if_loads_as_structure(tmp_path: Path) -> None:
    text = GOOD_ROW.replace(
        ", gap: fewer visits}",
        ", applies_if: {when: initial, without_facts: [surgery_authorized]}, gap: fewer visits}",
    )
    crit = load_files(_write(tmp_path, text))[0].rows[0].criteria[0]
    assert crit.applies_if is not None
    assert (crit.applies_if.when, crit.applies_if.without_facts) == (
        "initial",
        ("surgery_authorized",),
    )
    assert crit.params == SessionsAtMost(max=6)


def test_uncached_loading_reads_every_data_file() -> None:
    # the time this takes is measured in benchmarks/timing_limits_bench.py, not here
    loaded = load_files(DATA_DIR)  # uncached parse and validation of every file
    assert len(loaded) == len(data_files(DATA_DIR)) > 0
    assert all(lf.rows for lf in loaded)


@pytest.mark.parametrize("role", ["", "role: decisive, "])
def test_a_criterion_without_a_known_role_is_refused_naming_file_row_and_criterion(
    tmp_path: Path, role: str
) -> None:
    text = GOOD_ROW.replace("role: limit, ", role)
    with pytest.raises(KnowledgeBaseError) as err:
        load_files(_write(tmp_path, text))
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("bad.yaml: row ok_row: criterion visits: role must be one of")


def test_every_criterion_of_the_knowledge_base_has_a_role() -> None:
    kb = load_knowledge_base()
    roles = {c.role for rec in kb.rows for c in rec.criteria}
    assert roles == {"limit", "prerequisite", "indication", "context", "exclusion", "monitoring"}
