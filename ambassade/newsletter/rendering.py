"""Turning an issue into each recipient's e-mail: HTML with inlined CSS, plain text, headers.

The parts every recipient shares are rendered and inlined once per language and
time zone; each recipient then only costs their own small section, their name and
their unsubscribe link. That is what lets ten thousand personalised newsletters
leave in well under a minute.
"""

from __future__ import annotations

import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from email.policy import Compat32
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from ambassade.accounts.models import Membership
from ambassade.accounts.notifications import absolute_url
from ambassade.newsletter.models import Issue, Section
from ambassade.newsletter.sections import (
    IssueData,
    PointsTable,
    RecipientFigures,
    first_name,
    issue_data,
    points_table,
    recipients_figures,
)
from ambassade.newsletter.tokens import (
    MailingList,
    click_token,
    open_token,
    unsubscribe_token,
)

PERSONAL = "@@AMB_PERSONAL@@"
FIRST_NAME = "@@AMB_FIRST_NAME@@"
UNSUBSCRIBE = "@@AMB_UNSUBSCRIBE@@"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "newsletter" / "email"


@cache
def email_css() -> tuple[str, str]:
    """(styles inlined into the elements, media queries kept in a style tag)."""
    return (TEMPLATES / "styles.css").read_text(), (TEMPLATES / "responsive.css").read_text()


def subject_for(issue: Issue) -> str:
    """The issue's subject in the active language."""
    if issue.subject.strip():
        return issue.subject.strip()
    return _("%(program)s: your newsletter of %(month)s") % {
        "program": issue.program.name,
        "month": formats.date_format(issue.edition_on, "F Y"),
    }


def click_url(issue: Issue, section: str, path: str) -> str:
    token = click_token(issue_id=issue.pk, section=section, path=path)
    return absolute_url(reverse("newsletter:click", args=[token]))


TOKEN_SLOT = "TOKEN-SLOT"


def unsubscribe_pattern() -> str:
    """The unsubscribe address with a stand-in for the token (URL-safe characters only),
    so that sending ten thousand e-mails reverses the URL once."""
    return absolute_url(reverse("newsletter:unsubscribe", args=[TOKEN_SLOT]))


class _QuickHeaders(Compat32):
    """The standard (compat32) header folding, skipped for short plain-ASCII values, which
    it would return unchanged after building a Header object for each: a tenth of the
    time spent per message in a large send."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + len(value) + 2 <= (self.max_line_length or 78)
            and "=?" not in value
            and "  " not in value
            and value == value.strip()
            and "\n" not in value
            and "\r" not in value
        ):
            return f"{name}: {value}{self.linesep}"
        return str(Compat32._fold(self, name, value, sanitize))  # type: ignore[attr-defined]


QUICK_HEADERS = _QuickHeaders()


class NewsletterEmail(EmailMultiAlternatives):
    """An e-mail whose MIME boundary is drawn at random rather than searched for: the
    standard library scans the whole body for a boundary it does not contain, which is
    a good share of the time spent per message in a large send. 128 random bits behind
    "=_" (which quoted-printable never produces) cannot appear in our bodies."""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        msg = super().message(*args, **kwargs)
        if msg.is_multipart():
            msg.set_boundary(f"=_amb_{secrets.token_hex(16)}")
        msg.policy = QUICK_HEADERS
        return msg


def short_lines(text: str, limit: int = 900) -> str:
    """Break lines longer than ``limit`` at a space: SMTP allows 998 characters per line,
    and a message with longer lines must be quoted-printable encoded, which is slow.
    A space and a line break are the same whitespace in HTML (no <pre> in our e-mails)."""
    if all(len(line) <= limit for line in text.split("\n")):
        return text
    out = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            if cut <= 0:
                break
            out.append(line[:cut])
            line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)


def list_headers(*, token: str, list_id: str, pattern: str | None = None) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: one-click unsubscribe by HTTPS POST, or by e-mail."""
    https = (pattern or unsubscribe_pattern()).replace(TOKEN_SLOT, token)
    mailbox = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "postmaster@localhost"
    mailto = f"mailto:{mailbox}?subject={quote('unsubscribe ' + token)}"
    return {
        "List-Unsubscribe": f"<{https}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id,
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
    }


@dataclass(frozen=True)
class SharedParts:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str
    headers: dict[str, str]


def time_zone_of(membership: Membership) -> str:
    name = membership.user.time_zone or settings.TIME_ZONE
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return settings.TIME_ZONE
    return name


def language_of(membership: Membership) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return membership.user.language if membership.user.language in codes else settings.LANGUAGE_CODE


class IssueRenderer:
    """Renders one issue for many recipients, reading the shared figures once."""

    def __init__(self, issue: Issue, *, now: datetime) -> None:
        self.issue = issue
        self.now = now
        self._data: dict[str, IssueData] = {}
        self._shared: dict[tuple[str, str], SharedParts] = {}
        self._points: PointsTable | None = None
        self._points_read = False
        # The personal section only depends on the figures: most people share them.
        self._personal: dict[tuple[Any, ...], tuple[str, str]] = {}
        self._activity_url = ""
        self._unsubscribe_pattern = unsubscribe_pattern()
        css, responsive = email_css()
        self._css = css
        self._responsive = responsive
        self._inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
        settings_row = getattr(issue.program, "newsletter_settings", None)
        self._open_tracking = bool(settings_row and settings_row.open_tracking)
        self.list_id = (
            f'"{issue.program.name.replace(chr(34), "")}" '
            f"<{issue.program.slug}.{issue.organization.slug}.newsletter.ambassade>"
        )

    # -- what every recipient shares ------------------------------------------------------------

    def data(self, language: str) -> IssueData:
        if language not in self._data:
            with translation.override(language):
                self._data[language] = issue_data(issue=self.issue, now=self.now)
        return self._data[language]

    def points(self) -> PointsTable | None:
        if not self._points_read:
            self._points = points_table(issue=self.issue)
            self._points_read = True
        return self._points

    def figures(self, membership_ids: list[int]) -> dict[int, RecipientFigures]:
        return recipients_figures(
            issue=self.issue, membership_ids=membership_ids, points=self.points()
        )

    def _context(self, language: str) -> dict[str, Any]:
        issue = self.issue
        data = self.data(language)
        share_path = "sharing:share"
        return {
            "issue": issue,
            "program": issue.program,
            "organization": issue.organization,
            "language": language,
            "data": data,
            "sections": issue.visible_sections(),
            "subject": subject_for(issue),
            "first_name": FIRST_NAME,
            "top_posts": [
                (
                    post,
                    click_url(issue, Section.TOP_POSTS, reverse(share_path, args=[post.item_id])),
                )
                for post in data.top_posts
            ],
            "to_share": [
                (item, click_url(issue, Section.TO_SHARE, reverse(share_path, args=[item.item_id])))
                for item in data.to_share
            ],
            "events": [
                (
                    event,
                    click_url(issue, Section.EVENTS, event.url)
                    if event.url.startswith("/")
                    else event.url,
                )
                for event in data.events
            ],
            "archive_url": absolute_url(reverse("newsletter:issue_archive", args=[issue.pk])),
            "preferences_url": absolute_url(reverse("newsletter:preferences")),
            "unsubscribe_url": UNSUBSCRIBE,
            "open_url": absolute_url(
                reverse("newsletter:open", args=[open_token(issue_id=issue.pk)])
            )
            if self._open_tracking
            else "",
            "css": self._css,
            "responsive_css": self._responsive,
        }

    def shared(self, language: str, tz: str) -> SharedParts:
        key = (language, tz)
        if key not in self._shared:
            with translation.override(language), timezone.override(zoneinfo.ZoneInfo(tz)):
                context = self._context(language)
                html = render_to_string("newsletter/email/issue.html", context)
                text = render_to_string("newsletter/email/issue.txt", context)
                subject = subject_for(self.issue)
            self._shared[key] = SharedParts(
                subject=subject, html=short_lines(self._inliner.inline(html)), text=text
            )
        return self._shared[key]

    # -- each recipient -------------------------------------------------------------------------

    def render(self, membership: Membership, figures: RecipientFigures) -> Rendered:
        """One recipient's e-mail, in their language and time zone."""
        language = language_of(membership)
        parts = self.shared(language, time_zone_of(membership))
        name = first_name(membership.user.full_name, membership.user.email)
        token = unsubscribe_token(membership_id=membership.pk, mailing_list=MailingList.NEWSLETTER)
        unsubscribe = self._unsubscribe_pattern.replace(TOKEN_SLOT, token)
        html, text = parts.html, parts.text
        if PERSONAL in html or PERSONAL in text:
            badges = self.data(language).own_badges.get(membership.pk, [])
            personal_html, personal_text = self._personal_parts(language, figures, badges)
            html = html.replace(PERSONAL, personal_html)
            text = text.replace(PERSONAL, personal_text)
        html = html.replace(FIRST_NAME, escape(name)).replace(UNSUBSCRIBE, escape(unsubscribe))
        text = text.replace(FIRST_NAME, name).replace(UNSUBSCRIBE, unsubscribe)
        return Rendered(
            subject=parts.subject,
            html=html,
            text=text,
            headers=list_headers(
                token=token, list_id=self.list_id, pattern=self._unsubscribe_pattern
            ),
        )

    def _personal_parts(
        self, language: str, figures: RecipientFigures, badges: list[str]
    ) -> tuple[str, str]:
        key = (language, figures, tuple(badges))
        found = self._personal.get(key)
        if found is not None:
            return found
        if not self._activity_url:
            self._activity_url = click_url(
                self.issue, Section.MY_FIGURES, reverse("sharing:activity")
            )
        context = {"figures": figures, "badges": badges, "activity_url": self._activity_url}
        with translation.override(language):
            html = render_to_string("newsletter/email/personal.html", context)
            text = render_to_string("newsletter/email/personal.txt", context)
        found = (
            short_lines(self._inliner.inline_fragment(html, self._css)),
            text.strip("\n"),
        )
        if len(self._personal) < 20_000:
            self._personal[key] = found
        return found

    def render_one(self, membership: Membership) -> Rendered:
        """One recipient's e-mail, figures read for them alone (previews, the web archive)."""
        return self.render(membership, self.figures([membership.pk])[membership.pk])

    def message(
        self,
        membership: Membership,
        figures: RecipientFigures,
        *,
        email: str,
        connection: BaseEmailBackend | None = None,
    ) -> EmailMultiAlternatives:
        rendered = self.render(membership, figures)
        message = NewsletterEmail(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
            headers=rendered.headers,
            connection=connection,
        )
        message.attach_alternative(rendered.html, "text/html")
        return message
