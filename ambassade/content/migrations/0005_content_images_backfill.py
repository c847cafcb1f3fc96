"""Existing items' image addresses become pending images: the periodic "fetch
pending images" job stores them, after which the items show them again."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations
from django.utils import timezone


def backfill(apps: Any, schema_editor: Any) -> None:
    ContentItem = apps.get_model("content", "ContentItem")
    ContentImage = apps.get_model("content", "ContentImage")
    now = timezone.now()
    pairs = (
        ContentItem.objects.exclude(image_url="")
        .values_list("organization_id", "image_url")
        .distinct()
        .iterator()
    )
    batch: list[Any] = []
    seen: set[tuple[int, str]] = set()
    for organization_id, url in pairs:
        url = url.strip()
        key = (organization_id, hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest())
        if not url or key in seen:
            continue
        seen.add(key)
        batch.append(
            ContentImage(
                organization_id=organization_id,
                source_url=url,
                source_hash=key[1],
                created_at=now,
            )
        )
        if len(batch) >= 1000:
            ContentImage.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ContentImage.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("content", "0004_content_images")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
