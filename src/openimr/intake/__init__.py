"""Case files in (YAML/JSON, JSON Schema export) and eligibility screening."""

from openimr.intake.load import (
    MAX_CASE_FILE_BYTES,
    MAX_NESTING,
    UnreadableCaseFileError,
    case_json_schema,
    load_case,
    parse_case_bytes,
    parse_case_data,
    parse_case_text,
)
from openimr.intake.screen import Eligibility, screen

__all__ = [
    "MAX_CASE_FILE_BYTES",
    "MAX_NESTING",
    "Eligibility",
    "UnreadableCaseFileError",
    "case_json_schema",
    "load_case",
    "parse_case_bytes",
    "parse_case_data",
    "parse_case_text",
    "screen",
]
