"""CLI: `openimr formulary DRUG [--date D] [--json]`, `openimr formulary --list [--json]`."""

from __future__ import annotations

import argparse
import datetime as dt

from openimr.domain.formulary import FillFlag, FormularyStatus
from openimr.errors import InputError
from openimr.formulary import formulary_status
from openimr.io_util import iso_date, to_json
from openimr.knowledge.formulary import formulary_rows, load_formulary


def _fill(flag: FillFlag | None) -> str:
    return f"yes, up to {flag.days} days" if flag else "no"


def _human(status: FormularyStatus) -> str:
    if not status.in_force:
        return "\n".join(status.notes)
    review = "needs prospective review" if status.prospective_review else "no prospective review"
    lines = [
        f"drug: {status.drug}",
        f"ingredients: {', '.join(status.ingredients) or '-'}",
        f"status: {status.status} ({review})",
        f"special fill: {_fill(status.special_fill)}",
        f"perioperative fill: {_fill(status.perioperative_fill)}",
        f"guideline topics: {'; '.join(status.guideline_topics) or '-'}",
        f"list version: {status.version} (effective {status.version_effective})",
        f"source: {status.source or '-'}" + ("" if status.verified else " [unverified]"),
    ]
    lines += [f"note: {note}" for note in status.notes]
    lines += [f"warning: {warning}" for warning in status.warnings]
    return "\n".join(lines)


def _formulary(args: argparse.Namespace) -> int:
    if args.list:
        if args.drug is not None:
            raise InputError("formulary: give either DRUG or --list, not both")
        formulary = load_formulary()
        rows = formulary_rows(formulary)
        if args.json:
            print(to_json(rows))
            return 0
        for row in rows:
            fills = "".join(
                f" {name}={row[key]}d"
                for name, key in (("SF", "special_fill_days"), ("PF", "perioperative_fill_days"))
                if row[key]
            )
            form = f" ({row['form']})" if row["form"] else ""
            print(
                f"{row['ingredient'] + form:<44} {row['status']:<10}{fills}  [{row['listed_in']}]"
            )
        print(f"{len(rows)} row(s); every row unverified unless marked (see {formulary.files[0]})")
        return 0
    if args.drug is None or not args.drug.strip():
        raise InputError("formulary: give a DRUG name (e.g. 'Norco 10/325') or --list")
    status = formulary_status(args.drug, args.date or dt.date.today())  # default: today
    print(to_json(status.model_dump(mode="json")) if args.json else _human(status))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "formulary",
        help="MTUS Drug Formulary status of a drug (exempt, non-exempt, unlisted) on a date",
        description="The MTUS Drug Formulary (8 CCR 9792.27.1 et seq.) status of a drug: exempt, "
        "non_exempt or unlisted, with Special Fill and Perioperative Fill flags, the ACOEM "
        "topics that reference it and the row's source. The list rows are recalled, not "
        "verified against DWC's list.",
    )
    p.add_argument("drug", nargs="?", help="a drug name or request text (brand or generic)")
    p.add_argument("--date", type=iso_date, help="the dispensing date, YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--list", action="store_true", help="every row of the drug list")
    p.set_defaults(handler=_formulary)
