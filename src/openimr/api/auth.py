"""API keys with roles. A key is configured by its SHA-256 (or, for development, in clear).

Where keys come from (first found wins):
  1. `create_app(api_keys=...)`: a list of ApiKey, or a mapping {key: "role[:reviewer_code]"};
  2. `OPENIMR_API_KEYS_FILE`: a YAML/JSON file
         keys:
           - {name: front desk, role: intake,   key_sha256: <64 hex>}
           - {name: Dr. A,      role: reviewer, reviewer: R-0001, key_sha256: <64 hex>}
           - {name: ops,        role: admin,    key: <clear-text key, dev only>}
  3. `OPENIMR_API_KEYS`: "role[:reviewer_code]=KEY,..." e.g. "admin=s3cret,reviewer:R-0001=k2".
Clients send the key in the `X-API-Key` header.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from openimr.errors import InputError

Role = Literal["intake", "reviewer", "admin"]


class ApiKey(BaseModel):
    model_config = {"extra": "forbid"}

    name: str | None = Field(default=None, max_length=64)
    role: Role
    reviewer: str | None = Field(default=None, max_length=64)  # the code a reviewer key acts as
    key_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    key: str | None = Field(default=None, min_length=8)

    @model_validator(mode="after")
    def _complete(self) -> ApiKey:
        if (self.key is None) == (self.key_sha256 is None):
            raise ValueError("give exactly one of key or key_sha256")
        if self.role == "reviewer" and not self.reviewer:
            raise ValueError("a reviewer key needs the reviewer code it acts as")
        if self.role != "reviewer" and self.reviewer:
            raise ValueError("only reviewer keys name a reviewer")
        return self

    @property
    def digest(self) -> str:
        return self.key_sha256 or hash_key(self.key or "")

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.reviewer or self.name or self.digest[:8]}"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    def __init__(self, keys: list[ApiKey]) -> None:
        if not keys:
            raise InputError(
                "no API keys configured (set OPENIMR_API_KEYS_FILE or OPENIMR_API_KEYS; see"
                " `openimr serve --help`)"
            )
        self._keys = keys

    def lookup(self, presented: str | None) -> ApiKey | None:
        if not presented:
            return None
        digest = hash_key(presented)
        found = None
        for key in self._keys:  # compare against all, in constant time each
            if hmac.compare_digest(key.digest, digest):
                found = key
        return found

    def by_digest(self, digest: str | None) -> ApiKey | None:
        """The key whose SHA-256 is `digest` (a web session holds the digest, never the key)."""
        if not digest:
            return None
        found = None
        for key in self._keys:
            if hmac.compare_digest(key.digest, digest):
                found = key
        return found


def _from_mapping(mapping: dict[str, str], source: str) -> list[ApiKey]:
    keys = []
    for key, spec in mapping.items():
        role, _, reviewer = spec.partition(":")
        keys.append(_validated({"role": role, "reviewer": reviewer or None, "key": key}, source))
    return keys


def _validated(row: Any, source: str) -> ApiKey:
    try:
        return ApiKey.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "(key)"
        raise InputError(
            f"{source}: {where}: {first['msg'].removeprefix('Value error, ')}"
        ) from None


def load_key_file(path: str | Path) -> list[ApiKey]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such API key file")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read API keys ({exc.__class__.__name__})") from None
    rows = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputError(f"{path}: expected a top-level 'keys:' list")
    return [_validated(row, f"{path}: keys[{i}]") for i, row in enumerate(rows)]


def parse_key_env(value: str) -> list[ApiKey]:
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        spec, sep, key = part.partition("=")
        if not sep:
            raise InputError(f"OPENIMR_API_KEYS: {part!r} is not role[:reviewer]=KEY")
        mapping[key] = spec
    return _from_mapping(mapping, "OPENIMR_API_KEYS")


def resolve_keys(api_keys: list[ApiKey] | dict[str, str] | None) -> KeyRing:
    if isinstance(api_keys, dict):
        return KeyRing(_from_mapping(api_keys, "api_keys"))
    if api_keys is not None:
        return KeyRing(list(api_keys))
    if os.environ.get("OPENIMR_API_KEYS_FILE"):
        return KeyRing(load_key_file(os.environ["OPENIMR_API_KEYS_FILE"]))
    return KeyRing(parse_key_env(os.environ.get("OPENIMR_API_KEYS", "")))
