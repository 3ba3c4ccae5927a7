"""Case files in (YAML/JSON, JSON Schema export) and eligibility screening."""

from openimr.intake.load import case_json_schema, load_case, parse_case_data
from openimr.intake.screen import Eligibility, screen

__all__ = ["Eligibility", "case_json_schema", "load_case", "parse_case_data", "screen"]
