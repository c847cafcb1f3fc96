"""Security headers beyond Django's and django-csp's defaults.

- ``PermissionsPolicyMiddleware`` sends ``Permissions-Policy`` (settings:
  ``AMBASSADE_PERMISSIONS_POLICY``): browser features no page uses are off.
- ``email_page_csp`` / ``framed_email_csp`` relax the Content-Security-Policy for the
  pages that show an e-mail: e-mails carry their styles inline, and nothing else there
  is ours to rewrite. Scripts stay refused.
- ``csp_nonce`` gives a view the request's nonce, for the <style> elements of the SVG
  charts it inlines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = str(getattr(settings, "AMBASSADE_PERMISSIONS_POLICY", ""))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def email_page_csp(view: View) -> View:
    """For a page showing an e-mail in an iframe ``srcdoc``, which inherits the page's policy."""
    return cast(View, csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(view))


def framed_email_csp(view: View) -> View:
    """For an e-mail served on its own, to be framed by one of our pages."""
    policy = {"style-src": [SELF, UNSAFE_INLINE], "frame-ancestors": [SELF], "script-src": [NONE]}
    return cast(View, csp_replace(policy)(view))


def csp_nonce(request: HttpRequest) -> str:
    """The request's Content-Security-Policy nonce (the header then names it)."""
    return str(getattr(request, "csp_nonce", ""))
