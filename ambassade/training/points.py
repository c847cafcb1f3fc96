"""Points for training and community, through the rewards app when it is installed."""

from __future__ import annotations

import logging
from datetime import datetime

from django.apps import apps
from django.db import models, transaction

from ambassade.accounts.models import Membership
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program

logger = logging.getLogger(__name__)


def points_program(*, membership: Membership, program: Program | None) -> Program | None:
    """The program the points go to: the given one, else the person's first active one."""
    if program is not None:
        return program
    enrolment = (
        Enrolment.objects.filter(membership=membership, status=EnrolmentStatus.ACTIVE)
        .select_related("program")
        .order_by("program__name", "program_id")
        .first()
    )
    return enrolment.program if enrolment else None


def points_award_on_commit(
    *,
    membership: Membership,
    program: Program | None,
    rule: str,
    source: models.Model,
    now: datetime,
    reason: str = "",
) -> None:
    """Award ``rule``'s points for ``source`` once the current transaction commits.

    Idempotent on the rewards side (one award per rule and source); without the
    rewards app, or without a program to credit, nothing happens.
    """
    if not apps.is_installed("ambassade.rewards"):
        return
    target = points_program(membership=membership, program=program)
    if target is None:
        return

    def award() -> None:
        from ambassade.rewards.services import points_award

        try:
            points_award(
                membership=membership,
                program=target,
                rule=rule,
                source=source,
                now=now,
                reason=reason,
            )
        except Exception:
            # Points are a bonus: a failure there never undoes the training or the event.
            logger.exception("Could not award %s points for %r", rule, source)

    transaction.on_commit(award)
