"""Drug name -> generic ingredients -> formulary status.

Names are resolved by the request parser (brand -> generic, misspellings, combinations,
compound markers), which reads the one drug table, `openimr.knowledge.drugs`; brand names come
from the same table.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from openimr.domain.formulary import FormularyStatus
from openimr.domain.request import TreatmentRequest
from openimr.knowledge.drugs import drug_table
from openimr.knowledge.formulary import Dispensing, assess, load_formulary
from openimr.requests import parse_request


@cache
def _brand_words() -> frozenset[str]:
    """Brand and kit names of the drug table (lower case)."""
    return frozenset(brand.name.lower() for row in drug_table().rows for brand in row.brands)


@cache
def _brand_re() -> re.Pattern[str]:
    words = sorted(_brand_words(), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, words)) + r")(?![a-z0-9])")


def _ingredients(request: TreatmentRequest) -> list[str]:
    """The generic ingredients the parser read ("hydrocodone/acetaminophen" -> two)."""
    return [name for name in (request.drug or "").split("/") if name]


def _names_brand(text: str) -> bool:
    return _brand_re().search(text.lower()) is not None


def status_for_request(
    request: TreatmentRequest, on: dt.date, dispensing: Dispensing | None = None
) -> FormularyStatus:
    """The formulary status of a parsed medication request on a date."""
    return assess(
        load_formulary(),
        request.text.strip(),
        _ingredients(request),
        on,
        form=request.route,
        compounded=request.drug_class == "compound",
        brand=_names_brand(request.text),
        dispensing=dispensing,
    )


def formulary_status(
    text: str, on: dt.date, dispensing: Dispensing | None = None
) -> FormularyStatus:
    """The formulary status of a drug name or request text ("Norco 10/325", "Lidoderm patch")."""
    return status_for_request(parse_request(text), on, dispensing)
