from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from ambassade.lib.api_inputs import MAX_ID, BoundedPagination, Day, Id, Moment, Text


def test_ids_stay_inside_64_bits() -> None:
    ids = TypeAdapter(Id)
    assert ids.validate_python(MAX_ID) == MAX_ID
    for wrong in (0, -1, MAX_ID + 1):
        with pytest.raises(ValidationError):
            ids.validate_python(wrong)


def test_texts_refuse_the_nul_character_only() -> None:
    texts = TypeAdapter(Text)
    assert texts.validate_python("Écrire « juste » \n\t😀") == "Écrire « juste » \n\t😀"
    with pytest.raises(ValidationError):
        texts.validate_python("a\x00b")


def test_moments_need_a_time_zone_and_a_sensible_year() -> None:
    moments = TypeAdapter(Moment)
    assert moments.validate_python("2026-03-16T10:30:00+01:00").year == 2026
    for wrong in ("2026-03-16T10:30:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00Z"):
        with pytest.raises(ValidationError):
            moments.validate_python(wrong)
    assert isinstance(moments.validate_python("1900-01-01T00:00:00Z"), datetime)


def test_days_have_a_sensible_year() -> None:
    days = TypeAdapter(Day)
    assert days.validate_python("2999-12-31") == date(2999, 12, 31)
    with pytest.raises(ValidationError):
        days.validate_python("0001-01-01")


def test_pages_are_bounded() -> None:
    page = BoundedPagination.Input
    assert page.model_validate({}).limit == 100
    for wrong in ({"limit": 201}, {"limit": 0}, {"offset": -1}, {"offset": 10**7}):
        with pytest.raises(ValidationError):
            page.model_validate(wrong)
