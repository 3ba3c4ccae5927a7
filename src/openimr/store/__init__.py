"""Persistence (SQLite default, PostgreSQL), the case lifecycle, and the hash-chained audit log.

Names are re-exported lazily (`openimr.lazy`): `decide --no-store` never imports SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openimr.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "AuditVerification": "openimr.store.audit",
    "INELIGIBLE_REASONS": "openimr.store.lifecycle",
    "STATES": "openimr.store.lifecycle",
    "TRANSITIONS": "openimr.store.lifecycle",
    "AuditEntry": "openimr.store.store",
    "CaseSummary": "openimr.store.store",
    "LifecycleEvent": "openimr.store.store",
    "Store": "openimr.store.store",
    "StoredCase": "openimr.store.store",
    "open_store": "openimr.store.store",
}

if TYPE_CHECKING:
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

__getattr__ = lazy_exports(__name__, _EXPORTS)

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
