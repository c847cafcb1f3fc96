"""Tokens made before expiry became compulsory get one: 365 days after their creation."""

from datetime import timedelta

from django.db import migrations
from django.db.models import F


def give_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=F("created_at") + timedelta(days=365)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_notification_organization_approval_policy_and_more")]

    operations = [migrations.RunPython(give_expiry, migrations.RunPython.noop)]
