"""Typed builders for the programs tests (the factories are untyped for mypy)."""

from __future__ import annotations

import datetime as dt

from ambassade.accounts.models import Membership
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program, Wave


def make_wave(program: Program, name: str = "Wave") -> Wave:
    return Wave.objects.create(program=program, name=name, starts_on=dt.date(2026, 1, 1))


def make_enrolment(
    program: Program, membership: Membership, status: str = EnrolmentStatus.INVITED
) -> Enrolment:
    return Enrolment.objects.create(program=program, membership=membership, status=status)
