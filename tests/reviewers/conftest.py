from __future__ import annotations

import pytest
from reviewer_builders import make_case

from openimr.domain.case import Case


@pytest.fixture
def case() -> Case:
    return make_case()
