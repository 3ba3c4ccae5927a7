"""openimr.knowledge: the shared vocabularies (drugs, body parts, conditions, ...), one layer above
the domain models and below every stage, so that stages read one vocabulary instead of keeping
their own. Empty for now: another issue moves the vocabularies here."""
