"""The precedent repository: idempotent adds, logged replacement, full-text ranking, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from corpus_testkit import item, letter, small_corpus

from openimr.corpus.query import build_query
from openimr.domain.precedent import PrecedentQuery
from openimr.errors import InputError
from openimr.store.precedents import PrecedentRepository


def _filled(store):  # type: ignore[no-untyped-def]
    repo = PrecedentRepository(store)
    for one in small_corpus():
        assert repo.add_letter(one, "test").action == "added"
    return repo


def test_adding_the_same_letter_again_writes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    repo = _filled(store)
    entries = len(store.audit_entries())
    again = [repo.add_letter(one, "test") for one in small_corpus()]
    assert [a.action for a in again] == ["unchanged"] * 3
    assert repo.counts() == (3, 6)
    assert len(store.audit_entries()) == entries  # not even an audit entry


def test_a_changed_letter_replaces_its_rows_and_the_replacement_is_logged(store) -> None:  # type: ignore[no-untyped-def]
    repo = _filled(store)
    changed = letter(
        "CM17-0000002",
        item("CM17-0000002", 1, "Arthroscopy of the right knee", "surgery", parts=("knee",)),
    )
    outcome = repo.add_letter(changed, "clerk")
    assert outcome.action == "replaced"
    assert repo.counts() == (3, 5)  # two old items gone, one new
    assert [i.treatment for i in repo.items("CM17-0000002")] == ["Arthroscopy of the right knee"]
    entry = store.audit_entries("CM17-0000002")[-1]
    assert entry.action == "corpus_replace" and entry.actor == "clerk"
    assert entry.detail["previous_items"] == 2 and entry.detail["items"] == 1
    assert entry.detail["previous_hash"] != entry.detail["hash"]
    assert store.verify_audit_log().ok
    # the old items are out of the search index too
    hits = repo.search(PrecedentQuery(text="norco", terms=["norco"]), limit=10)
    assert all(h.case_number != "CM17-0000002" for h in hits)


def test_a_failed_add_leaves_nothing_half_written(store) -> None:  # type: ignore[no-untyped-def]
    repo = _filled(store)

    def boom(name: str) -> None:
        if name == "precedent_items_inserted":
            raise InputError("simulated failure")

    store.fault_hook = boom
    new = letter("CM17-0000009", item("CM17-0000009", 1, "Knee brace", "dme", parts=("knee",)))
    with pytest.raises(InputError):
        repo.add_letter(new, "test")
    store.fault_hook = None
    assert repo.counts() == (3, 6)
    assert repo.search(PrecedentQuery(text="brace", terms=["brace"])) == []


def test_full_text_search_ranks_a_same_category_item_first(store) -> None:  # type: ignore[no-untyped-def]
    repo = _filled(store)
    # "lumbar spine MRI" also occurs in the Norco rationale and the therapy item: words alone
    # would not decide; the imaging items on the spine come first, the lumbar one on top
    hits = repo.search(build_query("MRI lumbar spine"), limit=6)
    assert hits[0].case_number == "CM17-0000001" and hits[0].item == 1
    assert hits[0].category == "imaging"
    assert hits[0].why[0] == "same category: imaging"
    assert any(w.startswith("same body region: spine") for w in hits[0].why)
    imaging = [h for h in hits if h.category == "imaging"]
    assert hits[: len(imaging)] == imaging  # every same-category item before any other
    assert {(h.case_number, h.item) for h in hits[:3]} == {
        ("CM17-0000001", 1), ("CM17-0000003", 2), ("CM17-0000003", 1)
    }  # fmt: skip
    assert hits[0].score > hits[-1].score


def test_search_leaves_out_the_excluded_case(store) -> None:  # type: ignore[no-untyped-def]
    repo = _filled(store)
    query = build_query("MRI lumbar spine", exclude_case="CM17-0000001")
    assert all(h.case_number != "CM17-0000001" for h in repo.search(query, limit=10))


def test_outcome_counts_by_every_dimension(store) -> None:  # type: ignore[no-untyped-def]
    counts = _filled(store).outcome_counts()
    assert set(counts) == {"category", "guideline", "year", "specialty", "region"}
    imaging = next(c for c in counts["category"] if c.value == "imaging")
    assert (imaging.upheld, imaging.overturned) == (2, 2)
    years = {c.value: (c.upheld, c.overturned) for c in counts["year"]}
    assert years == {"2016": (0, 1), "2017": (3, 2)}
    regions = {c.value: (c.upheld, c.overturned) for c in counts["region"]}
    assert regions == {"spine": (2, 2), "lower_limb": (0, 1), "none": (1, 0)}


@pytest.mark.postgres
def test_sqlite_and_postgresql_agree(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    from store_testkit import pg_database_url

    from openimr.store import open_store

    pg = os.environ.get("OPENIMR_TEST_PG_URL")
    if not pg:
        pytest.skip("OPENIMR_TEST_PG_URL not set (source .ci/postgres.sh)")
    answers = []
    for url in (f"sqlite:///{tmp_path / 'a.db'}", pg_database_url(pg, "corpus_parity")):
        store = open_store(url)
        try:
            repo = _filled(store)
            answers.append(
                (
                    [(h.case_number, h.item, h.category) for h in
                     repo.search(build_query("MRI lumbar spine"), limit=3)],
                    [(h.case_number, h.item) for h in
                     repo.search(build_query("Norco 10/325 #60"), limit=1)],
                    repo.outcome_counts(),
                )
            )  # fmt: skip
        finally:
            store.close()
    sqlite, postgres = answers
    assert sqlite[0][0] == postgres[0][0]  # the same best match
    assert set(sqlite[0]) == set(postgres[0])  # the same top three (order within ties may differ)
    assert sqlite[1] == postgres[1]
    assert sqlite[2] == postgres[2]


def test_an_item_citing_the_guideline_found_for_its_date_ranks_above_one_citing_another(
    store,
) -> None:  # type: ignore[no-untyped-def]
    repo = PrecedentRepository(store)
    # three lumbar MRIs alike but for what their reviewers cited and when they were decided
    alike = dict(category="imaging", parts=("lumbar spine",))
    cases = [
        ("CM16-0000011", "odg_low_back", dt.date(2016, 5, 1)),
        ("CM16-0000012", "mtus_low_back", dt.date(2016, 5, 1)),
        # the 2004 chapter, but cited after the ACOEM-based MTUS replaced it: not the one in force
        ("CM18-0000013", "mtus_low_back", dt.date(2018, 6, 1)),
    ]
    for case, guideline, day in cases:
        repo.add_letter(
            letter(case, item(case, 1, "MRI of the lumbar spine", guideline=guideline, day=day,
                              **alike)),
            "test",
        )  # fmt: skip
    query = build_query("MRI of the lumbar spine")
    found = {g.document for g in query.guidelines if g.covers(dt.date(2016, 5, 1))}
    assert found == {"mtus_low_back"}
    hits = repo.search(query, limit=3)
    assert hits[0].case_number == "CM16-0000012"
    assert any(w.startswith("cites mtus_low_back") for w in hits[0].why)
    others = {h.case_number: h for h in hits[1:]}
    assert set(others) == {"CM16-0000011", "CM18-0000013"}
    assert not any(w.startswith("cites") for h in others.values() for w in h.why)
    assert hits[0].score > max(h.score for h in others.values())


def test_on_a_large_corpus_a_word_most_items_contain_does_not_widen_the_match(
    store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import openimr.store.precedents as precedents

    repo = _filled(store)
    terms = ["norco", "lumbar", "spine"]
    with store._tx() as session:
        assert repo._matching_words(session, terms) == (terms, False)  # a small corpus: every word
    # the six items made "large": a word in more than a third of them is common
    monkeypatch.setattr(precedents, "COMMON_MIN_ITEMS", 6)
    monkeypatch.setattr(precedents, "COMMON_SHARE", 1 / 3)
    with store._tx() as session:
        assert repo._matching_words(session, terms) == (["norco"], False)
        # every word common: items must have them all
        assert repo._matching_words(session, ["lumbar", "spine"]) == (["lumbar", "spine"], True)
    hits = repo.search(build_query("Norco 10/325 mg for the lumbar spine"), limit=3)
    assert (hits[0].case_number, hits[0].item) == ("CM17-0000002", 2)
    hits = repo.search(build_query("MRI lumbar spine"), limit=3)
    assert (hits[0].case_number, hits[0].item) == ("CM17-0000001", 1)
    # a letter added changes the corpus, and its counts are read again: Norco is now common too
    more = [item("CM17-0000009", n, "Norco 5/325 #30", "medication", drug="hydrocodone/acetaminophen")
            for n in (1, 2)]  # fmt: skip
    repo.add_letter(letter("CM17-0000009", *more), "test")
    with store._tx() as session:
        assert repo._matching_words(session, terms) == (terms, True)
    # the newest letter replaced with one not about Norco (on SQLite its items may reuse the ids)
    others = [item("CM17-0000009", n, "Knee brace", "dme", parts=("knee",)) for n in (1, 2)]
    assert repo.add_letter(letter("CM17-0000009", *others), "test").action == "replaced"
    with store._tx() as session:
        assert repo._matching_words(session, terms) == (["norco"], False)
