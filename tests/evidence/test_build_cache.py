"""The on-disk build cache (openimr.build_cache) and the evidence pipeline built on it."""

from __future__ import annotations

import pickle
from pathlib import Path

import medspacy
import pytest

from openimr import build_cache
from openimr.errors import KnowledgeBaseError
from openimr.evidence import extract_text, rules
from openimr.evidence.pipeline import build_nlp


class CountingBuild:
    def __init__(self, value: object):
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_second_load_is_a_hit_and_builds_nothing(tmp_path: Path) -> None:
    build = CountingBuild({"rules": [1, 2, 3]})
    first = build_cache.cached_build("thing", "k1", build, tmp_path)
    second = build_cache.cached_build("thing", "k1", build, tmp_path)
    assert first == second == {"rules": [1, 2, 3]}
    assert build.calls == 1
    assert [p.name for p in tmp_path.iterdir()] == ["thing-k1.pickle"]


def test_new_key_rebuilds_and_drops_the_stale_file(tmp_path: Path) -> None:
    build_cache.cached_build("thing", "old", CountingBuild("old value"), tmp_path)
    build = CountingBuild("new value")
    assert build_cache.cached_build("thing", "new", build, tmp_path) == "new value"
    assert build.calls == 1
    assert [p.name for p in tmp_path.iterdir()] == ["thing-new.pickle"]


@pytest.mark.parametrize(
    "content", [b"", b"not a pickle at all", pickle.dumps("value")[:-3], b"\x80\x05garbage"]
)
def test_corrupt_cache_file_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "thing-k1.pickle").write_bytes(content)
    build = CountingBuild("value")
    assert build_cache.cached_build("thing", "k1", build, tmp_path) == "value"
    assert build.calls == 1
    assert pickle.loads((tmp_path / "thing-k1.pickle").read_bytes()) == "value"


def test_unwritable_cache_still_builds(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    build = CountingBuild("value")
    for _ in range(2):
        assert build_cache.cached_build("thing", "k1", build, not_a_directory) == "value"
    assert build.calls == 2  # nothing could be stored, so nothing was read back


def test_key_follows_file_bytes_names_and_library_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "rules.yaml"
    data.write_text("a: 1\n")
    key = build_cache.cache_key([data], ["pyyaml"])
    assert build_cache.cache_key([data], ["pyyaml"]) == key
    assert build_cache.cache_key([data], ["pyyaml", "spacy"]) != key
    monkeypatch.setattr(build_cache, "_library_version", lambda name: "999")
    assert build_cache.cache_key([data], ["pyyaml"]) != key
    monkeypatch.undo()
    data.write_text("a: 2\n")
    assert build_cache.cache_key([data], ["pyyaml"]) != key
    twin = tmp_path / "other.yaml"
    twin.write_text("a: 2\n")
    assert build_cache.cache_key([twin], ["pyyaml"]) != build_cache.cache_key([data], ["pyyaml"])


def test_rules_come_from_the_cache_when_the_files_are_unchanged(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    parsed = rules.load_rules()
    rules.load_rules.cache_clear()  # as in a new process

    def no_parsing() -> rules.EvidenceRules:
        raise AssertionError("the rule files were parsed again")

    monkeypatch.setattr(rules, "parse_rules", no_parsing)
    assert rules.load_rules() == parsed


def test_changed_rule_file_is_read_again(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    before = rules.load_rules()
    assert not any(t.literal == "zebra sign" for t in before.targets)
    path = data_copy / "target_rules.yaml"
    path.write_text(
        path.read_text() + "  - {kind: spasm, literal: zebra sign, pattern: '\\bzebra sign\\b'}\n"
    )
    rules.load_rules.cache_clear()
    after = rules.load_rules()
    assert any(t.literal == "zebra sign" for t in after.targets)
    assert len(list((tmp_path / "cache").glob("evidence-rules-*.pickle"))) == 1


def test_bad_rule_file_is_still_rejected_after_a_good_one_was_cached(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    rules.load_rules()
    path = data_copy / "target_rules.yaml"
    path.write_text(path.read_text() + "  - {kind: telepathy, literal: x, pattern: 'x'}\n")
    rules.load_rules.cache_clear()
    with pytest.raises(KnowledgeBaseError, match="unknown fact"):
        rules.load_rules()


def test_cached_rules_extract_the_same_facts_as_parsed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    text = "45 year old male, denies numbness. Lumbar MRI showed L4-5 disc protrusion."
    assert rules.load_rules() == rules.parse_rules()
    assert extract_text(text).facts  # the pipeline of this process, whichever way it was built
    assert list((tmp_path / "cache").glob("evidence-rules-*.pickle"))


def test_pipeline_tokenizes_as_medspacy_load_does() -> None:
    reference = medspacy.load(medspacy_enable=["medspacy_tokenizer"])
    ours = build_nlp()
    texts = [
        "Pt c/o chf+cp; BP 143/103 mmHg, 1.5 mg q.d. L4-5 s/p ORIF 11-29-16.On exam: (+) SLR.",
        "Norco 10/325mg #60, Dr. Smith's note dated 12/29/2016: no numbness/tingling.",
    ]
    for text in texts:
        assert [t.text_with_ws for t in ours.make_doc(text)] == [
            t.text_with_ws for t in reference.make_doc(text)
        ]
    assert ours.get_pipe_meta("sentencizer").factory == "sentencizer"
