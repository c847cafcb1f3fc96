from __future__ import annotations

from django.db.models import QuerySet

from ambassade.accounts.models import Organization
from ambassade.content.models import FeedSource


def feed_source_list(*, organization: Organization) -> QuerySet[FeedSource]:
    return (
        FeedSource.objects.filter(organization=organization)
        .prefetch_related("programs")
        .order_by("name", "pk")
    )
