"""The audit trail (admin only)."""

# no `from __future__ import annotations`: FastAPI reads the route annotations at runtime

from fastapi import APIRouter

from openimr.api.deps import Admin, StoreDep
from openimr.api.errors import ERRORS
from openimr.store import AuditEntry, AuditVerification

router = APIRouter()


@router.get(
    "/cases/{number}/audit",
    response_model=list[AuditEntry],
    responses=ERRORS,
    tags=["audit"],
    summary="Audit entries about one case",
)
def case_audit(number: str, who: Admin, store: StoreDep) -> list[AuditEntry]:
    return store.audit_entries(number)


@router.get(
    "/audit/verify",
    response_model=AuditVerification,
    responses=ERRORS,
    tags=["audit"],
    summary="Recompute the audit log's hash chain",
)
def audit_verify(who: Admin, store: StoreDep) -> AuditVerification:
    return store.verify_audit_log()
