"""CLI: `openimr guidelines list|show ID|search TEXT|cite TEXT` (browse and query the knowledge base)."""

from __future__ import annotations

import argparse
import datetime as dt

from openimr.errors import InputError
from openimr.guidelines import in_force, load_knowledge_base, parse_citations
from openimr.guidelines.search import search_text
from openimr.io_util import to_json


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--date: {value!r} is not a date (YYYY-MM-DD)") from None


def _list(args: argparse.Namespace) -> int:
    kb = load_knowledge_base()
    on = _date(args.date)
    rows = [
        r
        for r in kb.rows
        if in_force(r, on)
        and (args.level is None or r.level == args.level)
        and (args.document is None or kb.document_of(r.id).key == args.document)
    ]
    if args.json:
        print(to_json([r.model_dump(mode="json") for r in rows]))
        return 0
    for r in rows:
        print(f"{r.id:<42} {r.level:<10} {r.status:<26} {r.guideline} {r.edition}: {r.section}")
    print(f"{len(rows)} row(s)")
    return 0


def _show(args: argparse.Namespace) -> int:
    kb = load_knowledge_base()
    rec = kb.get(args.id)
    if args.json:
        print(to_json(rec))
        return 0
    doc = kb.document_of(rec.id)
    print(rec.id)
    print(f"  citation:  {rec.citation_text()}")
    print(f"  document:  {doc.key} ({doc.file}); level {rec.level}")
    print(f"  in force:  {rec.effective_from or '-'} to {rec.effective_to or '-'}")
    print(f"  status:    {rec.status}")
    if rec.body_parts:
        print(f"  body parts: {', '.join(rec.body_parts)}")
    limits = {k: v for k, v in rec.limits.model_dump().items() if v is not None}
    if limits:
        print("  limits:    " + ", ".join(f"{k}={v}" for k, v in limits.items()))
    print(f"  rationale: {rec.rationale}")
    print("  criteria:")
    for c in rec.criteria:
        mark = "required" if c.required else "optional"
        when = f" (when {c.applies_if.describe()})" if c.applies_if else ""
        params = c.params.model_dump(exclude_defaults=True)
        print(f"    - {c.id} [{c.check} {params or ''}] {mark}{when}: {c.description}")
        if c.gap:
            print(f"      gap: {c.gap}")
    p = rec.provenance
    print(f"  provenance: {p.source}; numbers verified: {'yes' if p.numbers_verified else 'no'}")
    if p.checked_against:
        print(f"  checked against: {', '.join(p.checked_against)}")
    return 0


def _search(args: argparse.Namespace) -> int:
    text = " ".join(args.text).strip()
    if not text:
        raise InputError("search: give the treatment text to search for")
    if args.limit < 1:
        raise InputError("--limit: must be at least 1")
    result = search_text(
        load_knowledge_base(), text, review_date=_date(args.date), limit=args.limit
    )
    if args.json:
        print(to_json(result))
        return 0
    when = f" on {result.review_date}" if result.review_date else " (any edition)"
    print(f"search level reached{when}: {result.level}")
    if result.note:
        print(result.note)
    if not result.hits:
        print("no guideline row addresses this request: cite peer-reviewed studies")
        return 0
    for n, hit in enumerate(result.hits, 1):
        rec = hit.recommendation
        print(f"{n}. {rec.id}  score {hit.score:g}  [{rec.status}]")
        print(f"   {rec.citation_text()}")
        print(f"   because: {'; '.join(hit.reasons) or '-'}")
    return 0


def _cite(args: argparse.Namespace) -> int:
    kb = load_knowledge_base()
    text = " ".join(args.text).strip()
    refs = parse_citations(text, kb)
    out = []
    for ref in refs:
        rows = kb.resolve(ref)
        out.append(
            {
                "guideline_key": ref.guideline_key,
                "section_key": ref.section_key,
                "edition": ref.edition,
                "level": ref.level,
                "rows": [r.id for r in rows],
            }
        )
    if args.json:
        print(to_json(out))
        return 0
    if not out:
        print("no guideline citation found")
    for item in out:
        rows = ", ".join(item["rows"]) or "(no row)"
        print(f"{item['guideline_key']} | {item['section_key'] or '(whole document)'} -> {rows}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("guidelines", help="browse and query the guideline knowledge base")
    sub = p.add_subparsers(dest="guidelines_command", metavar="SUBCOMMAND")
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])

    q = sub.add_parser("list", help="list recommendation rows")
    q.add_argument("--date", help="only rows in force on this date (YYYY-MM-DD)")
    q.add_argument("--level", choices=["mtus", "acoem_odg", "other_guideline", "peer_reviewed"])
    q.add_argument(
        "--document", help="only rows of this document key (e.g. mtus_cpmtg, odg_low_back)"
    )
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_list)

    q = sub.add_parser("show", help="show one row: citation, limits, criteria, provenance")
    q.add_argument("id", help="row id, e.g. cpmtg2016.massage")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_show)

    q = sub.add_parser("search", help="find the governing recommendation for a treatment text")
    q.add_argument("text", nargs="+", help='disputed item text, e.g. "Massage therapy 2x6 lumbar"')
    q.add_argument("--date", help="review date (YYYY-MM-DD): the MTUS edition in force then")
    q.add_argument("--limit", type=int, default=5)
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_search)

    q = sub.add_parser("cite", help="resolve a letter's guideline line to knowledge-base rows")
    q.add_argument(
        "text",
        nargs="+",
        help='e.g. "MTUS Chronic Pain Medical Treatment 2016, Section(s): Massage therapy"',
    )
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cite)
