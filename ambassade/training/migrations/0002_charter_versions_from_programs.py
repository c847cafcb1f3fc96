"""Each program's existing charter text becomes its version 1."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    CharterVersion = apps.get_model("training", "CharterVersion")
    now = timezone.now()
    for program in Program.objects.exclude(charter_text="").iterator():
        if not program.charter_text.strip():
            continue
        if CharterVersion.objects.filter(program=program).exists():
            continue
        CharterVersion.objects.create(
            program=program, version=1, text=program.charter_text.strip(), published_at=now
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
