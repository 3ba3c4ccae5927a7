"""The medspaCy pipeline: sentence splitter, TargetMatcher, ConText and sectionizer, built once.

Rule-based only (a blank English pipeline, no downloaded model). Targets go to a span group, not
`doc.ents`, so that overlapping findings of different kinds ("lumbar radiculopathy": a
radiculopathy and a body part) are all kept.

Start-up (issue 13; figures in BENCHMARKS.md): spaCy and medspaCy are imported only when the
pipeline is first built, so that importing openimr.evidence stays cheap; sentences are split by
spaCy's rule `sentencizer`, not PyRuSH (as good or better on every held-out set, and faster);
and the medspaCy tokenizer is the pipeline's only tokenizer (spaCy's default one, which
`medspacy.load` builds and then replaces, is never built). The parsed rules come from the
on-disk cache (`load_rules`). The built pipeline itself is not cached on disk: unpickling it
costs as much as building it (the tokenizer's special cases are re-added either way), and
medspaCy registers its span extensions only when a component is constructed. Importing any
medspaCy submodule runs `medspacy/__init__`, which imports all its components (PyRuSH, QuickUMLS
and nltk among them, ~0.4 s); there is no supported way to import only the three used here.
"""

from __future__ import annotations

import logging
import types
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from openimr.evidence.rules import EvidenceRules, load_rules

SPAN_GROUP = "openimr_findings"
MEDSPACY_TOKENIZER = "openimr.medspacy_tokenizer.v1"


def _medspacy_tokenizer_factory() -> Callable[[Any], Any]:
    """spaCy's `[nlp.tokenizer]` factory for medspaCy's clinical tokenizer.

    `create_medspacy_tokenizer(nlp)` reads only the vocab, the language defaults and the
    default tokenizer's `token_match` (which is the defaults' `token_match`), so it is given
    those, and spaCy's own tokenizer is never built just to be thrown away.
    """
    from medspacy.custom_tokenizer import create_medspacy_tokenizer

    def create(nlp: Any) -> Any:
        defaults = types.SimpleNamespace(token_match=nlp.Defaults.token_match)
        view = types.SimpleNamespace(vocab=nlp.vocab, Defaults=nlp.Defaults, tokenizer=defaults)
        return create_medspacy_tokenizer(view)

    return create


def _quiet_third_party_logs() -> None:
    # PyRuSH logs every token at DEBUG through loguru; we do not use it, but its import may be
    # triggered by medspaCy. Silence it so extraction is not slowed by logging.
    try:
        from loguru import logger

        logger.disable("PyRuSH")
    except ImportError:  # pragma: no cover - loguru is a medspaCy dependency
        pass
    logging.getLogger("medspacy").setLevel(logging.WARNING)
    # spaCy warns (W036) on each call when one of medspaCy's internal matchers has no pattern
    warnings.filterwarnings("ignore", message=r"\[W036\]")


def _context_rules(rules: EvidenceRules) -> list[Any]:
    """medspaCy's bundled ConText rules (with our scope overrides) followed by ours."""
    import medspacy.context as mc
    from medspacy.context import ConTextRule

    default_path = (
        Path(mc.__file__).resolve().parents[2] / "resources" / "en" / "context_rules.json"
    )
    result: list[Any] = []
    for rule in ConTextRule.from_json(str(default_path)):
        override = dict(rules.context_overrides.get(rule.literal.lower()) or {})
        if override.pop("disable", False):
            continue
        if override:
            row = rule.to_dict()
            row.update(override)
            rule = ConTextRule.from_dict(row)
        result.append(rule)
    for row in rules.context_rules:
        kwargs = dict(row)
        if kwargs.get("direction") is None:
            kwargs["direction"] = "BIDIRECTIONAL"
        for key in ("allowed_types", "excluded_types"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        result.append(ConTextRule(**kwargs))
    return result


class _TextOnceDoc:
    """A Doc seen through a proxy whose text is computed once.

    medspaCy's RegexMatcher reads `doc.text_with_ws` once per pattern; spaCy rebuilds that string
    on every access, which made regex rules cost ~70 ms per summary. Everything else is the Doc's.
    """

    def __init__(self, doc: Any):
        self._doc = doc
        self.text_with_ws = doc.text_with_ws

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)

    def __getitem__(self, key: Any) -> Any:
        return self._doc[key]

    def __len__(self) -> int:
        return len(self._doc)

    def __iter__(self) -> Any:
        return iter(self._doc)


def _speed_up_regex_matching(target_matcher: Any) -> None:
    """Make the TargetMatcher's regex matcher read the text once per document (same results)."""
    from medspacy.common.regex_matcher import RegexMatcher

    class TextOnceRegexMatcher(RegexMatcher):
        def __call__(self, doc: Any) -> Any:
            return super().__call__(_TextOnceDoc(doc))

    inner = getattr(target_matcher, "_TargetMatcher__matcher", None)
    regex = getattr(inner, "_MedspacyMatcher__regex_matcher", None)
    if type(regex) is RegexMatcher:  # another medspaCy version: keep its own, only slower
        regex.__class__ = TextOnceRegexMatcher


def target_rules() -> list[Any]:
    """Our target rules as medspaCy TargetRules (metadata carries value/attributes/flags)."""
    from medspacy.target_matcher import TargetRule

    return [
        TargetRule(
            literal=spec.literal,
            category=spec.kind,
            pattern=spec.pattern,
            metadata=spec.as_metadata(),
        )
        for spec in load_rules().targets
    ]


def export_medspacy_json(directory: Path) -> tuple[Path, Path]:
    """Write the rules in medspaCy's own JSON rule format (target_rules.json, context_rules.json),
    so they can be loaded with `TargetRule.from_json` / `ConTextRule.from_json` elsewhere."""
    from medspacy.context import ConTextRule
    from medspacy.target_matcher import TargetRule

    directory.mkdir(parents=True, exist_ok=True)
    targets, context = directory / "target_rules.json", directory / "context_rules.json"
    TargetRule.to_json(target_rules(), str(targets))
    ConTextRule.to_json(_context_rules(load_rules()), str(context))
    return targets, context


@lru_cache(maxsize=1)
def build_nlp() -> Any:
    """The evidence pipeline (cached: build once per process)."""
    _quiet_third_party_logs()
    import medspacy  # noqa: F401 - registers medspaCy's components as spaCy factories
    import spacy
    from medspacy.section_detection import SectionRule

    rules = load_rules()
    spacy.registry.tokenizers.register(MEDSPACY_TOKENIZER, func=_medspacy_tokenizer_factory)
    # a blank English pipeline whose tokenizer is medspaCy's (what medspacy.load would give with
    # only "medspacy_tokenizer" enabled); components are added with our configuration
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": MEDSPACY_TOKENIZER}}})
    nlp.add_pipe("sentencizer")
    matcher = nlp.add_pipe(
        "medspacy_target_matcher",
        config={"result_type": "group", "span_group_name": SPAN_GROUP, "prune": False},
    )
    matcher.add(target_rules())
    _speed_up_regex_matching(matcher)
    context = nlp.add_pipe(
        "medspacy_context",
        config={"rules": None, "input_span_type": "group", "span_group_name": SPAN_GROUP},
    )
    context.add(_context_rules(rules))
    sectionizer = nlp.add_pipe(
        "medspacy_sectionizer",
        config={
            "rules": None,
            "input_span_type": "group",
            "span_group_name": SPAN_GROUP,
            "require_start_line": True,
        },
    )
    sectionizer.add(
        [
            SectionRule(
                literal=spec.literal, category=spec.category, metadata={"effect": spec.effect}
            )
            for spec in rules.sections
        ]
    )
    return nlp
