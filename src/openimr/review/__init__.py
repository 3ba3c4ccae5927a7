"""openimr.review: the review service (assign, decide, override, edit, sign) that the CLI, the
API and the web pages call (`openimr.review.service.ReviewService`), over the store-free rules of
`openimr.review.determination`.

Names are re-exported lazily (`openimr.lazy`): `decide --no-store` never imports SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openimr.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "DeadlineStatus": "openimr.review.service",
    "ReviewChange": "openimr.review.service",
    "ReviewService": "openimr.review.service",
    "ReviewView": "openimr.review.service",
    "deadline_status": "openimr.review.service",
}

if TYPE_CHECKING:
    from openimr.review.service import (
        DeadlineStatus,
        ReviewChange,
        ReviewService,
        ReviewView,
        deadline_status,
    )

__getattr__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["DeadlineStatus", "ReviewChange", "ReviewService", "ReviewView", "deadline_status"]
