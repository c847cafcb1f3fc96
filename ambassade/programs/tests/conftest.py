from __future__ import annotations

import pytest

from ambassade.accounts.models import User


@pytest.fixture(autouse=True)
def english(request: pytest.FixtureRequest) -> None:
    """Pages in English, so assertions do not depend on the French catalogue's wording."""
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        User.objects.update(language="en")
