"""A QR code per tracked link, for print and events: SVG and PNG, drawn by segno.

The code carries the short link with ``?via=qr``, so a scan goes through the
redirector like a click and is recorded with the QR trigger.
"""

from __future__ import annotations

import io

import segno
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ambassade.accounts.models import Role
from ambassade.accounts.permissions import OrgRequest, get_scoped_or_404, org_view
from ambassade.tracking.models import TrackedLink
from ambassade.tracking.services import short_url

QR_PARAM = "via=qr"
# Who may print someone else's link: the people who run the program.
QR_READERS = (Role.CURATOR, Role.MANAGER, Role.ADMIN)


def qr_payload(link: TrackedLink) -> str:
    """What the QR code says: the short link, marked as a scan."""
    return f"{short_url(link.code)}?{QR_PARAM}"


def qr_code(link: TrackedLink) -> segno.QRCode:
    # Level M survives a smudge or a logo sticker and keeps the code small.
    return segno.make_qr(qr_payload(link), error="m")


def qr_svg(link: TrackedLink) -> bytes:
    out = io.BytesIO()
    qr_code(link).save(
        out,
        kind="svg",
        scale=8,
        border=4,
        xmldecl=True,
        title=_("QR code of %(url)s") % {"url": qr_payload(link)},
    )
    return out.getvalue()


def qr_png(link: TrackedLink) -> bytes:
    out = io.BytesIO()
    qr_code(link).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def _visible_link(request: OrgRequest, code: str) -> TrackedLink:
    link = get_scoped_or_404(
        TrackedLink.objects.select_related("share"), request.organization, code=code
    )
    is_own = link.share.ambassador_id == request.user.pk
    if not is_own and not any(request.membership.has_role(role) for role in QR_READERS):
        # Another ambassador's link does not exist for a plain ambassador.
        raise Http404(_("Not found."))
    return link


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
@org_view()
def link_qr_svg(request: OrgRequest, code: str) -> HttpResponse:
    link = _visible_link(request, code)
    return _file(qr_svg(link), "image/svg+xml", f"ambassade-{link.code}.svg")


@require_safe
@org_view()
def link_qr_png(request: OrgRequest, code: str) -> HttpResponse:
    link = _visible_link(request, code)
    return _file(qr_png(link), "image/png", f"ambassade-{link.code}.png")
