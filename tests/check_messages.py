"""Check the translation catalogues: complete, and compiled from their sources.

Every string of the interface is written in English in the code and translated
in ``locale/fr``; a missing or fuzzy French translation would show English to a
French user, so it fails the tests. ``make messages`` refreshes the catalogues.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def problems() -> list[str]:
    found: list[str] = []
    for domain in ("django", "djangojs"):
        po_path = ROOT / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po"
        mo_path = po_path.with_suffix(".mo")
        if not po_path.exists():
            if domain == "django":
                found.append(f"{po_path} is missing")
            continue
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue.untranslated_entries():
            found.append(f"{po_path.name}: untranslated: {entry.msgid!r}")
        for entry in catalogue.fuzzy_entries():
            found.append(f"{po_path.name}: fuzzy: {entry.msgid!r}")
        if not mo_path.exists():
            found.append(f"{mo_path} is missing: run `make messages`")
            continue
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
        for entry in catalogue.translated_entries():
            if entry.msgid_plural:
                continue
            if compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr:
                found.append(f"{mo_path.name} is stale for {entry.msgid!r}: run `make messages`")
                break
    return found


def missing_from_catalogue() -> list[str]:
    """Strings in the code that ``make messages`` has not brought into the catalogue yet."""
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) is not installed: extraction check skipped"
        if os.environ.get("CI") == "true":
            return [message + "; CI requires it"]
        print(f"*** {message}. ***")
        return []
    committed = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(ROOT / "locale/fr/LC_MESSAGES/django.po"))
    }
    # Extract from a copy of the sources, so that the checkout is never written to.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(
            ROOT,
            copy,
            ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "*_cache"),
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ambassade",
                "makemessages",
                "--locale",
                "fr",
                "--ignore",
                "tests/*",
                "--ignore",
                "bench/*",
                "--verbosity",
                "0",
            ],
            cwd=copy,
            env=dict(os.environ, AMBASSADE_VAR_DIR=str(Path(tmp) / "var"), PYTHONPATH=str(copy)),
            check=True,
        )
        fresh = polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po"))
        return [
            f"not in the catalogue (run `make messages`): {e.msgid!r}"
            for e in fresh
            if not e.obsolete and (e.msgctxt, e.msgid) not in committed
        ]


def main() -> int:
    found = problems() + missing_from_catalogue()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} translation problem(s)", file=sys.stderr)
        return 1
    print("Translations: French catalogue complete and compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
