from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ambassade.tracking.bots import Verdict, classify_request, classify_user_agent
from ambassade.tracking.models import Click
from ambassade.tracking.tests.attribution import CHROME, make_click, make_share


@pytest.mark.parametrize(
    ("user_agent", "reason"),
    [
        (
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "LinkedIn preview",
        ),
        (
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Facebook preview",
        ),
        ("Twitterbot/1.0", "X preview"),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Slack preview"),
        ("WhatsApp/2.24.23.78 A", "WhatsApp preview"),
        ("TelegramBot (like TwitterBot)", "Telegram preview"),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "Discord preview"),
        (
            "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
            "Bluesky preview",
        ),
        ("http.rb/5.2.0 (Mastodon/4.3.2; +https://piaille.fr/)", "Mastodon preview"),
        ("http.rb/5.1.1 (Mastodon/4.2.0-beta; +https://mastodon.social/)", "Mastodon preview"),
    ],
)
def test_each_link_preview_fetcher_is_named(user_agent: str, reason: str) -> None:
    assert classify_user_agent(user_agent) == Verdict(True, reason)


@pytest.mark.parametrize(
    ("user_agent", "reason"),
    [
        ("", "empty user agent"),
        ("   ", "empty user agent"),
        ("curl/8.5.0", "scripted client"),
        ("python-requests/2.32.3", "scripted client"),
        ("Go-http-client/2.0", "scripted client"),
        ("Wget/1.21.4", "scripted client"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "automated browser",
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "crawler"),
        ("Acme-Uploader/3.1 (Windows)", "not a browser"),
        ("Mozilla/5.0 (compatible; ZoomInfo-DataEnrichment/1.0; +https://www.zoominfo.com)", ""),
    ],
)
def test_empty_scripted_and_crawling_clients_are_bots(user_agent: str, reason: str) -> None:
    verdict = classify_user_agent(user_agent)
    assert verdict.is_bot
    assert verdict.reason.startswith(reason)


@pytest.mark.parametrize(
    "user_agent",
    [
        CHROME,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        # In-app browsers of the networks themselves are people reading the post.
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.2",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/468.0.0.55.105;]",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Barcelona 335.0.0.31.104 (iPhone15,2; iOS 17_5)",
        "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)",
    ],
)
def test_browsers_are_people(user_agent: str) -> None:
    assert classify_user_agent(user_agent) == Verdict(False, "browser")


def test_head_and_prefetch_requests_are_not_people() -> None:
    assert classify_request(method="HEAD", user_agent=CHROME) == Verdict(True, "HEAD request")
    assert classify_request(method="GET", user_agent=CHROME, purpose="prefetch") == Verdict(
        True, "prefetch"
    )
    assert classify_request(method="GET", user_agent=CHROME, purpose="prefetch;prerender").is_bot
    assert classify_request(method="GET", user_agent=CHROME) == Verdict(False, "browser")


def test_bot_clicks_are_stored_with_their_reason_and_left_out_of_the_counts(world) -> None:
    share = make_share(world.ambassador, world.item)
    make_click(share)
    make_click(
        share, user_agent="Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)"
    )
    bot = Click.objects.get(is_bot=True)
    assert bot.bot_reason == "Bluesky preview"
    page = world.client_for(world.ambassador).get(reverse("sharing:activity"))
    assert page.context["activity"].human_clicks == 1


def test_check_user_agent_prints_one_verdict_per_line() -> None:
    stdin = StringIO(
        "\n".join(
            [
                CHROME,
                "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
                "",
                "curl/8.5.0",
            ]
        )
        + "\n"
    )
    out = StringIO()
    call_command("check_user_agent", stdin=stdin, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["human", "browser"],
        ["bot", "LinkedIn preview"],
        ["bot", "empty user agent"],
        ["bot", "scripted client"],
    ]
    assert lines[0].split("\t")[2] == CHROME


def test_check_user_agent_can_print_the_bots_only() -> None:
    out = StringIO()
    call_command(
        "check_user_agent", "--bots-only", stdin=StringIO(f"{CHROME}\nTwitterbot/1.0\n"), stdout=out
    )
    assert out.getvalue() == "bot\tX preview\tTwitterbot/1.0\n"
