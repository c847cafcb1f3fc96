"""What the API accepts: the types its schemas use for ids, texts, moments and pages.

Each bound is in the OpenAPI document, or at least in the 422 that names the
field, so that bad input is refused before it reaches a database that would fail
on it: an id or an offset past 64 bits (SQLite and PostgreSQL integers), a NUL
character (PostgreSQL text), a moment without a time zone or so far away that
moving it to UTC overflows, a page of ten million rows.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, AwareDatetime, Field

MAX_ID = 2**63 - 1
# Far past any real list, and well inside every database's integer range.
MAX_OFFSET = 1_000_000
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 200
NO_NUL = r"^[^\x00]*$"
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _within_years(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"Choose a date between the years {FIRST_YEAR} and {LAST_YEAR}.")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, Field(pattern=NO_NUL)]
Day = Annotated[date, AfterValidator(_within_years)]
Moment = Annotated[
    AwareDatetime,
    AfterValidator(_within_years),
    Field(description="ISO 8601 with a time zone, e.g. 2026-03-16T10:30:00+01:00."),
]


class BoundedPagination(LimitOffsetPagination):
    """``limit`` and ``offset`` as ninja's, with upper bounds."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)
