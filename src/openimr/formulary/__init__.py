"""openimr.formulary: the MTUS Drug Formulary status of a requested drug (a stage module).

The list and its rules are knowledge (`openimr.knowledge.formulary`); this stage only turns a
drug name or a disputed-item text into generic ingredients (through the request parser's drug
lexicon) and asks the rules.

formulary_status(text, on, dispensing=None) -> FormularyStatus
status_for_request(request, on, dispensing=None) -> FormularyStatus
"""

from openimr.formulary.resolve import formulary_status, status_for_request

__all__ = ["formulary_status", "status_for_request"]
