"""The audit log's hash chain: each entry's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

GENESIS_HASH = "0" * 64


def canonical_detail(detail: dict[str, Any] | None) -> str:
    """Stable JSON text for the detail, so the hash does not depend on key order or the backend."""
    return json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    case_number: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [seq, at, actor, action, case_number, detail, prev_hash], separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditProblem(BaseModel):
    seq: int
    problem: str


class AuditVerification(BaseModel):
    ok: bool
    entries: int
    problems: list[AuditProblem]

    def summary(self) -> str:
        if self.ok:
            return f"audit log intact: {self.entries} entries, hash chain verified"
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"audit log TAMPERED: entry {first.seq}: {first.problem}{more}"


def verify_chain(rows: Iterable[Any], head_seq: int, head_hash: str) -> AuditVerification:
    """Check every row (ordered by seq) against its hash and its predecessor; and the head pointer.

    Detects an edited row (hash mismatch), a deleted row (gap in seq / broken link), and a removed
    tail (the head records the last seq and hash written).
    """
    problems: list[AuditProblem] = []
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    last_seq = 0
    for row in rows:
        count += 1
        last_seq = row.seq
        if row.seq != expected_seq:
            problems.append(AuditProblem(seq=row.seq, problem=f"missing entry {expected_seq}"))
        if row.prev_hash != prev_hash:
            problems.append(AuditProblem(seq=row.seq, problem="link to previous entry broken"))
        recomputed = entry_hash(
            row.seq, row.at, row.actor, row.action, row.case_number, row.detail, row.prev_hash
        )
        if recomputed != row.entry_hash:
            problems.append(
                AuditProblem(seq=row.seq, problem=f"content altered ({row.action} by {row.actor})")
            )
        prev_hash = row.entry_hash
        expected_seq = row.seq + 1
    if last_seq != head_seq or prev_hash != head_hash:
        problems.append(
            AuditProblem(
                seq=head_seq, problem=f"log ends at entry {last_seq}, head says {head_seq}"
            )
        )
    return AuditVerification(ok=not problems, entries=count, problems=problems)
