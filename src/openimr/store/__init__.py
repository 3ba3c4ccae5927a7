"""Persistence (SQLite default, PostgreSQL), the case lifecycle, and the hash-chained audit log."""

from openimr.store.audit import AuditVerification
from openimr.store.lifecycle import INELIGIBLE_REASONS, STATES, TRANSITIONS
from openimr.store.store import (
    AuditEntry,
    CaseSummary,
    LifecycleEvent,
    Store,
    StoredCase,
    open_store,
)

__all__ = [
    "INELIGIBLE_REASONS",
    "STATES",
    "TRANSITIONS",
    "AuditEntry",
    "AuditVerification",
    "CaseSummary",
    "LifecycleEvent",
    "Store",
    "StoredCase",
    "open_store",
]
