"""CLI: `openimr corpus add DIR|FILE...`, `openimr precedents "TEXT"|--batch FILE|--case FILE`,
`openimr stats [--plot FILE]`. Parsing is this package's; keeping and searching, the store's."""

from __future__ import annotations

import argparse
import getpass
import multiprocessing
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tqdm import tqdm

from openimr.corpus.index import read_precedents, warm_up
from openimr.corpus.plot import plot_stats
from openimr.corpus.precedents import find_precedents
from openimr.corpus.stats import corpus_stats
from openimr.domain.case import Case
from openimr.domain.precedent import AddOutcome, CorpusStats, PrecedentAnswer, PrecedentLetter
from openimr.errors import InputError, OpenIMRError
from openimr.intake import load_case
from openimr.io_util import to_json
from openimr.letters.files import letter_files
from openimr.requests.commands import _one_line_json, _read_batch
from openimr.store import Store, open_store
from openimr.store.precedents import PrecedentRepository

# fork where the platform has it, so the workers inherit warm_up's tables; else the default
_FORK = (
    multiprocessing.get_context("fork")
    if "fork" in multiprocessing.get_all_start_methods()
    else None
)
JOBS = 2  # the machine's cores; parsing is CPU-bound, storing is one writer
PARALLEL_FROM = 8  # fewer letters parse faster than worker processes start
PROGRESS_FROM = 20  # a progress bar only for a folder worth waiting on


def _actor(args: argparse.Namespace) -> str:
    if getattr(args, "actor", None):
        return args.actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_one(path: str) -> PrecedentLetter | str:
    """Worker: the letter's precedents, or its one-line error (a worker never raises)."""
    try:
        return read_precedents(path)
    except OpenIMRError as exc:
        return str(exc)
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"


def _read_all(files: list[Path], jobs: int) -> Iterator[PrecedentLetter | str]:
    paths = [str(f) for f in files]
    if jobs <= 1 or len(paths) < PARALLEL_FROM:
        yield from map(_read_one, paths)
        return
    warm_up()  # before the fork: the workers inherit the loaded tables
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_FORK) as pool:
        yield from pool.map(_read_one, paths, chunksize=4)


def _corpus_add(args: argparse.Namespace) -> int:
    files = letter_files(args.paths)
    actor = _actor(args)
    if len(files) == 1:  # one letter: its error is the command's error, before the store opens
        result = _read_one(str(files[0]))
        if isinstance(result, str):
            raise InputError(result)
        results: Iterator[PrecedentLetter | str] = iter([result])
    else:
        results = _read_all(files, args.jobs)
    store = open_store(args.db)
    outcomes: list[AddOutcome] = []
    errors: list[str] = []
    try:
        repo = PrecedentRepository(store)
        quiet = args.quiet or len(files) < PROGRESS_FROM
        with tqdm(total=len(files), unit="letter", file=sys.stderr, disable=quiet) as bar:
            for result in results:
                bar.update(1)
                if isinstance(result, str):
                    errors.append(result)
                    tqdm.write(f"openimr: error: {result}", file=sys.stderr)
                    continue
                try:
                    outcomes.append(repo.add_letter(result, actor))
                except OpenIMRError as exc:  # this letter not stored; the others go on
                    errors.append(f"{result.source_name or result.case_number}: {exc}")
                    tqdm.write(f"openimr: error: {errors[-1]}", file=sys.stderr)
    finally:
        store.close()
    done = Counter(o.action for o in outcomes)
    if args.json:
        print(to_json({"letters": [o.model_dump() for o in outcomes], "errors": errors}))
    else:
        items = sum(o.items for o in outcomes if o.action != "unchanged")
        print(
            f"corpus: {done['added']} added, {done['replaced']} replaced (logged),"
            f" {done['unchanged']} unchanged, {len(errors)} failed; {items} item(s) written"
        )
    return 1 if errors else 0


def _print_answer(answer: PrecedentAnswer, as_json: bool, title: str | None = None) -> None:
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    if title:
        print(title)
    if not answer.results:
        print("no precedents found (is the corpus empty? see openimr corpus add)")
    for n, hit in enumerate(answer.results, start=1):
        print(
            f"{n}. {hit.case_number} item {hit.item}: {hit.treatment} -> {hit.decision}"
            f"  [{hit.category}; {hit.guideline or 'no guideline cited'}; score {hit.score:.2f}]"
        )
        for reason in hit.why:
            print(f"     {reason}")
        print(f"     \u201c{hit.excerpt}\u201d")


def _precedents(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InputError("--limit: must be at least 1")
    case: Case | None = load_case(args.case) if args.case else None
    if args.batch is not None and args.text is not None:
        raise InputError("give either TEXT or --batch FILE, not both")
    if args.batch is None and args.text is None and case is None:
        raise InputError("precedents: give the item TEXT, --batch FILE, or --case FILE")
    texts = _read_batch(args.batch) if args.batch is not None else None
    store = _open_existing(args.db)
    try:
        repo = PrecedentRepository(store)
        if texts is not None:
            for line in texts:
                answer = (
                    find_precedents(repo, line, args.limit, case=case)
                    if line.strip()
                    else PrecedentAnswer()  # a blank line keeps its place in the output
                )
                sys.stdout.write(_one_line_json(answer.model_dump(mode="json")) + "\n")
            return 0
        if args.text is not None:
            _print_answer(find_precedents(repo, args.text, args.limit, case=case), args.json)
            return 0
        assert case is not None
        for item in case.disputed_items:  # every disputed item of the case, its own case left out
            answer = find_precedents(repo, item.text, args.limit, case=case)
            if args.json:
                row = {"item": item.id, "treatment": item.text, **answer.model_dump(mode="json")}
                sys.stdout.write(_one_line_json(row) + "\n")
            else:
                _print_answer(answer, False, title=f"item {item.id}: {item.text}")
        return 0
    finally:
        store.close()


def _open_existing(db: str | None) -> Store:
    return open_store(db, must_exist=True)


def load_stats(store: Store) -> CorpusStats:
    repo = PrecedentRepository(store)
    letters, _ = repo.counts()
    return corpus_stats(repo.outcome_counts(), letters)


def _fmt_rate(rate: float | None, low: float | None, high: float | None) -> str:
    if rate is None:
        return "-"
    return f"{rate:6.1%} [{low:.1%}-{high:.1%}]"


def _stats(args: argparse.Namespace) -> int:
    store = _open_existing(args.db)
    try:
        stats = load_stats(store)
    finally:
        store.close()
    if args.plot:
        plot_stats(stats, args.plot)
    if args.json:
        print(to_json(stats.contract_dict()))
        return 0
    print(
        f"{stats.items} items in {stats.letters} letters: {stats.upheld} upheld,"
        f" {stats.overturned} overturned, overturn rate"
        f" {_fmt_rate(stats.overturn_rate, stats.ci_low, stats.ci_high)} (95% Wilson)"
    )
    for dim, rows in stats.by.items():
        print(f"\nby {dim}:")
        for r in rows:
            print(
                f"  {r.value:<40} {r.items:>5} items {r.upheld:>5} upheld {r.overturned:>4}"
                f" overturned  {_fmt_rate(r.overturn_rate, r.ci_low, r.ci_high)}"
            )
    if args.plot:
        print(f"\nchart written to {args.plot}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    corpus = subparsers.add_parser(
        "corpus", help="the precedent corpus: add published letters (idempotent by case number)"
    )
    sub = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="parse letters (PDF or text, files or folders) into the corpus")
    p.add_argument("paths", nargs="+", metavar="DIR|FILE")
    p.add_argument("--db", help="store URL or SQLite path (default: $OPENIMR_DB or user data dir)")
    p.add_argument("--jobs", type=int, default=JOBS, help=f"parser processes (default {JOBS})")
    p.add_argument("--actor", help="who is adding, for the audit log (default cli:$USER)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="what happened to each letter, as JSON")
    p.set_defaults(handler=_corpus_add)

    p = subparsers.add_parser(
        "precedents", help="decided items of published letters most like a disputed item"
    )
    p.add_argument("text", nargs="?", help="the disputed item, e.g. 'MRI of the lumbar spine'")
    p.add_argument("--batch", metavar="FILE", help="one query a line ('-': stdin); JSON lines out")
    p.add_argument(
        "--case", metavar="FILE", help="a case file: its injury's body parts fill in, its own"
        " number is left out; without TEXT, every disputed item of it is searched",
    )  # fmt: skip
    p.add_argument("--limit", type=int, default=10, help="results per query (default 10)")
    p.add_argument("--db", help="store URL or SQLite path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_precedents)

    p = subparsers.add_parser(
        "stats", help="outcomes by category, guideline, year, specialty, region (Wilson intervals)"
    )
    p.add_argument("--db", help="store URL or SQLite path")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plot", metavar="FILE", help="draw the rates to a .png or .svg chart")
    p.set_defaults(handler=_stats)
