"""Helpers for the accounts tests."""

from __future__ import annotations

from django.utils import translation


def shown(message: str, language: str = "fr", **params: object) -> str:
    """A message as a person reading the page in ``language`` sees it.

    Pages are French by default: the tests compare with the translated text, so
    that they keep passing once the French catalogue is written.
    """
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text
