"""Feed errors, stored on the source as a code and shown in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ambassade.lib.fetch import MESSAGES as FETCH_MESSAGES
from ambassade.lib.fetch import describe_error

FEED_MESSAGES: dict[str, Promise] = {
    "not_a_feed": _("This address does not serve a feed (RSS, Atom or JSON Feed)"),
    "unreadable": _("The feed could not be read: %(detail)s"),
    "file": _("The file could not be read: %(detail)s"),
    "internal": _("Unexpected error while reading the feed"),
}


class FeedError(Exception):
    """Nothing could be read from a feed; ``str(error)`` is a user-facing message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(describe_feed_error(code, params))


def describe_feed_error(code: str, params: Mapping[str, Any] | None = None) -> str:
    message = FEED_MESSAGES.get(code)
    if message is None:
        if code in FETCH_MESSAGES:
            return describe_error(code, params)
        return code
    text = str(message)
    return text % dict(params) if params and "%(" in text else text
