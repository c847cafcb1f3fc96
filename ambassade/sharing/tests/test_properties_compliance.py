"""Properties of the compliance rules, for any text an ambassador may write.

Lengths are counted in code points, as the share page counts them
(``static/js/share.js``), the disclosure included; on the networks that take the
link inside the text (Bluesky, Mastodon) the link counts too. Blocked words are
whole words, whatever their case and accents. The daily limit and the sharing
hours follow the ambassador's own time zone (Paris and Casablanca, around midnight
and across daylight-saving changes).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ambassade.accounts.models import Membership, Network, Organization, User
from ambassade.sharing.compliance import (
    DISCLOSURE_SEPARATOR,
    blocked_terms,
    check_hours,
    check_length,
    with_disclosure,
)
from ambassade.sharing.models import Share
from ambassade.sharing.networks import INTENTS, X_LINK_LENGTH, text_budget
from ambassade.sharing.services import ShareOutcome, share_create
from conftest import World
from tests.factories import SocialAccountFactory

PURE = settings(deadline=None, derandomize=True, max_examples=200)
WITH_DB = settings(
    deadline=None,
    derandomize=True,
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ZONES = ["Europe/Paris", "Africa/Casablanca"]

# --- Texts ------------------------------------------------------------------------------

# Letters of the languages ambassadors write in, with and without accents.
LETTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "àâäçéèêëîïôöùûüÿœæñßøåÀÂÇÉÈÊÎÔÙÛŒÆÑØ"
    "ıİğşĞŞ"  # Turkish
    "ğüşöç"
    "αβγδεζηθλμνξπρστφχψωςάέίόύΑΒΓΔΣΩ"
    "абвгдежзийклмнопрстуфхцчшщъыьэюяёАБВЁЖ"
    "مرحباكتب"
    "中文字日本"
)
COMBINING_ACCENTS = "\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0327"
# What may stand between words: spaces, punctuation, symbols, emoji, line ends.
SEPARATORS = [
    *" \n\t.,;:!?()[]«»\"'’-/#@&*+=",
    "\u00a0",
    "\u202f",
    "😀",
    "👩‍💻",
    "🇫🇷",
    " — ",
    "...",
]

word = st.text(alphabet=LETTERS, min_size=1, max_size=10)
blocked_entry = st.one_of(word, st.builds(lambda a, b: f"{a} {b}", word, word))


@st.composite
def written_any_way(draw: st.DrawFn, entry: str) -> str:
    """``entry`` as someone may type it: any case, accents added or dropped, composed
    or not, its words separated by any spaces or punctuation."""
    out = []
    for char in entry:
        if char == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\n", "-", "’", ", ", "\u00a0"])))
            continue
        case = draw(st.sampled_from(["same", "upper", "lower", "title"]))
        char = {"same": char, "upper": char.upper(), "lower": char.lower()}.get(case, char.title())
        if draw(st.booleans()):  # without its accents
            char = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
        out.append(char + draw(st.text(alphabet=COMBINING_ACCENTS, max_size=2)))
    text = "".join(out)
    forms: list[Literal["NFC", "NFD"] | None] = ["NFC", "NFD", None]
    form = draw(st.sampled_from(forms))
    return unicodedata.normalize(form, text) if form else text


filler = st.lists(st.one_of(word, st.sampled_from(SEPARATORS)), max_size=8).map("".join)
separator = st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3).map("".join)


# --- Blocked words --------------------------------------------------------------------


@PURE
@given(entry=blocked_entry, data=st.data())
@example(entry="kız", data=None)
def test_a_blocked_word_is_found_whatever_its_case_and_accents(
    entry: str, data: st.DataObject | None
) -> None:
    if data is None:  # a Turkish word in capitals: "KIZ"
        text = "Bonjour KIZ !"
    else:
        text = (
            data.draw(filler)
            + data.draw(separator)
            + data.draw(written_any_way(entry))
            + data.draw(separator)
            + data.draw(filler)
        )
        if data.draw(st.booleans()):  # at the very start or the very end
            text = data.draw(written_any_way(entry)) + data.draw(separator) + text
    assert blocked_terms(text, [entry]) == [entry], text


# Letters and digits glued to a word make a longer word.
glued = st.text(alphabet=LETTERS + "0123456789_", min_size=1, max_size=3)


@PURE
@given(entry=word, before=st.one_of(st.just(""), glued), after=glued, data=st.data())
@example(entry="col", before="", after="ŀlegi", data=None)
@example(entry="art", before="", after="icle", data=None)
def test_the_same_letters_inside_a_longer_word_are_not_blocked(
    entry: str, before: str, after: str, data: st.DataObject | None
) -> None:
    if data is not None and data.draw(st.booleans()):
        before, after = after, before
    spelled = entry if data is None else data.draw(written_any_way(entry))
    text = before + spelled + after
    assert blocked_terms(text, [entry]) == [], text


@PURE
@given(entry=word, data=st.data())
@example(entry="confidentiel", data=None)
def test_invisible_characters_inside_a_word_do_not_hide_it(
    entry: str, data: st.DataObject | None
) -> None:
    # Zero-width spaces and joiners, soft hyphens: the reader sees the word whole.
    invisible = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060"]
    if data is None:
        text = "c\u200bonfi\u00addentiel"
    else:
        at = data.draw(st.integers(1, max(1, len(entry) - 1)))
        text = entry[:at] + data.draw(st.sampled_from(invisible)) + entry[at:]
    assert blocked_terms(f"Voici : {text}.", [entry]) == [entry]


# --- The disclosure and the length limit ------------------------------------------------

disclosures = st.one_of(
    st.sampled_from(["#JeTravailleChezAcme", "#Acme", "[Pub]", "Salarié·e d'Acme", "#Straße"]),
    st.builds(lambda w: f"#{w}", word),
)
commentaries = st.lists(st.one_of(word, st.sampled_from(SEPARATORS)), min_size=1).map("".join)


def stands_apart(text: str, disclosure: str) -> bool:
    """Whether ``disclosure`` is in ``text`` on its own, not glued to a longer word."""
    haystack, needle = text.casefold(), disclosure.casefold()
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        before = haystack[start - 1] if start else " "
        after = haystack[end] if end < len(haystack) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = haystack.find(needle, start + 1)
    return False


@PURE
@given(commentary=commentaries, disclosure=disclosures)
@example(commentary="Rejoignez #AcmeCorp !", disclosure="#Acme")
@example(commentary="#acme, bien sûr", disclosure="#Acme")
def test_the_posted_text_always_carries_the_disclosure(commentary: str, disclosure: str) -> None:
    posted = with_disclosure(commentary, disclosure)
    assert stands_apart(posted, disclosure.strip())
    assert posted.startswith(commentary)


@PURE
@given(
    commentary=commentaries,
    disclosure=st.one_of(st.just(""), disclosures),
    network=st.sampled_from([n for n in INTENTS if text_budget(n) is not None]),
)
def test_a_text_is_accepted_when_it_fits_with_its_disclosure(
    commentary: str, disclosure: str, network: str
) -> None:
    commentary = commentary.strip()
    posted = with_disclosure(commentary, disclosure)
    budget = text_budget(network)
    assert budget is not None
    errors = check_length(
        text=posted, commentary=commentary, disclosure=disclosure.strip(), budget=budget
    )
    assert (errors == []) == (len(posted) <= budget)
    if errors and posted != commentary:
        assert disclosure.strip() in errors[0]


# --- Through share creation -------------------------------------------------------------

# Code points as a person may type them: accented letters composed or not, emoji,
# CJK, line ends. "#" is left out so that no text holds the disclosure already.
CODE_POINTS = [*"aéZ1 ,.'!?\n", "e", "\u0301", "😀", "\u200d", "中", "ß", "🇫", "🇷"]
DISCLOSURE = "#JeTravailleChezAcme"
BUDGETED = [Network.X, Network.BLUESKY, Network.MASTODON, Network.THREADS]


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def configure(world: World, **values: Any) -> None:
    for name, value in values.items():
        setattr(world.org, name, value)
    world.org.save()
    world.ambassador.organization.refresh_from_db()


@pytest.fixture
def on_every_network(world: World) -> World:
    for network in (Network.BLUESKY, Network.MASTODON, Network.THREADS):
        SocialAccountFactory.create(user=world.ambassador.user, network=network)
    return world


def text_of_length(length: int, data: st.DataObject) -> str:
    points = data.draw(
        st.lists(st.sampled_from(CODE_POINTS), min_size=length, max_size=length), label="text"
    )
    # Spaces at either end are trimmed before counting: none there.
    if points:
        points[0] = points[-1] = "x"
    return "".join(points)


def share(world: World, network: str, commentary: str, now: dt.datetime) -> ShareOutcome:
    with translation.override("en"):
        return share_create(
            actor=world.ambassador, item=world.item, network=network, commentary=commentary, now=now
        )


def shared_text_fits(intent_url: str, network: str) -> bool:
    """Whether the text the network's page receives fits the network's own limit."""
    intent = INTENTS[network]
    assert intent.max_length is not None
    query = parse_qs(urlsplit(intent_url).query)
    text = query.get("text", [""])[0]
    link = query.get("url", [""])[0]
    if network == Network.X:
        return len(text) + 1 + X_LINK_LENGTH <= intent.max_length
    if network == Network.MASTODON:  # Mastodon counts any link as 23 characters
        words = text.split(" ")
        return sum(23 if w.startswith("http") else len(w) for w in words) + len(words) - 1 <= (
            intent.max_length
        )
    if network == Network.BLUESKY:  # the link as written, in the 300
        return len(text) <= intent.max_length
    return len(text) <= intent.max_length and bool(link)


@WITH_DB
@given(
    network=st.sampled_from(BUDGETED),
    disclosed=st.booleans(),
    over=st.sampled_from([-5, -1, 0, 0, 1, 1, 7]),
    data=st.data(),
)
def test_the_limit_counts_the_disclosure_and_the_network_gets_a_text_that_fits(
    on_every_network: World, network: str, disclosed: bool, over: int, data: st.DataObject
) -> None:
    world = on_every_network
    budget = text_budget(network)
    assert budget is not None
    extra = len(DISCLOSURE_SEPARATOR + DISCLOSURE) if disclosed else 0
    commentary = text_of_length(budget - extra + over, data)
    with rolled_back():
        configure(world, disclosure_text=DISCLOSURE if disclosed else "")
        now = dt.datetime(2027, 6, 15, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
        if over > 0:  # just over: refused, nothing recorded
            with pytest.raises(ValidationError, match="too long"):
                share(world, network, commentary, now)
            assert not Share.objects.exists()
            return
        outcome = share(world, network, commentary, now)
        posted = outcome.share.commentary
        assert len(posted) <= budget
        assert posted == commentary + (DISCLOSURE_SEPARATOR + DISCLOSURE if disclosed else "")
        assert shared_text_fits(outcome.intent_url, network)


# --- The daily limit and the sharing hours, in the ambassador's time zone ---------------


def local_moment(zone: str, day: dt.date, minutes: int) -> dt.datetime:
    """``minutes`` after the start of ``day`` in ``zone``, as elapsed time (DST-proof)."""
    tz = zoneinfo.ZoneInfo(zone)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    return (start + dt.timedelta(minutes=minutes)).astimezone(tz)


def minutes_in(zone: str, day: dt.date) -> int:
    """How long ``day`` lasts in ``zone``: 23 or 25 hours on a daylight-saving change."""
    start = local_moment(zone, day, 0).astimezone(dt.UTC)
    end = local_moment(zone, day + dt.timedelta(days=1), 0).astimezone(dt.UTC)
    return int((end - start) / dt.timedelta(minutes=1))


days = st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2030, 12, 31))


@WITH_DB
@given(zone=st.sampled_from(ZONES), limit=st.integers(1, 3), day=days, data=st.data())
@example(zone="Africa/Casablanca", limit=2, day=dt.date(2027, 6, 15), data=None)
@example(zone="Europe/Paris", limit=1, day=dt.date(2027, 3, 28), data=None)  # 23-hour day
@example(zone="Europe/Paris", limit=1, day=dt.date(2027, 10, 31), data=None)  # 25-hour day
def test_the_daily_limit_counts_the_ambassadors_own_day(
    world: World, zone: str, limit: int, day: dt.date, data: st.DataObject | None
) -> None:
    length = minutes_in(zone, day)
    if data is None:
        assert length == {dt.date(2027, 3, 28): 23 * 60, dt.date(2027, 10, 31): 25 * 60}.get(
            day, 24 * 60
        )
    if data is None:  # close to midnight, on both sides
        minutes = [length - limit - 1 + i for i in range(limit + 1)]
        tomorrow_minutes = 0
    else:
        minutes = sorted(
            data.draw(st.lists(st.integers(0, length - 1), min_size=limit + 1, max_size=limit + 1))
        )
        tomorrow_minutes = data.draw(st.integers(0, 60 * 23))
    with rolled_back():
        configure(world, daily_share_limit=limit)
        world.ambassador.user.time_zone = zone
        world.ambassador.user.save(update_fields=["time_zone"])
        networks = [Network.LINKEDIN, Network.X]
        for i, at in enumerate(minutes[:limit]):
            share_now(world, local_moment(zone, day, at), networks[i % 2])
        with pytest.raises(ValidationError, match="today's limit"):
            share_now(world, local_moment(zone, day, minutes[limit]), Network.LINKEDIN)
        # The next day in the ambassador's zone, sharing is open again.
        share_now(
            world, local_moment(zone, day + dt.timedelta(days=1), tomorrow_minutes), Network.X
        )
        assert Share.objects.filter(membership=world.ambassador).count() == limit + 1


def share_now(world: World, now: dt.datetime, network: str) -> Share:
    with translation.override("en"):
        return share_create(
            actor=world.ambassador,
            item=world.item,
            network=network,
            commentary="Une lecture utile, à partager.",
            now=now,
        ).share


def allowed_hours(start: int, end: int) -> set[int]:
    """The local hours a window opens: from ``start``, for (end - start) hours, over midnight."""
    span = (end - start) % 24 or 24
    return {(start + k) % 24 for k in range(span)}


@PURE
@given(
    zone=st.sampled_from(ZONES),
    start=st.integers(0, 23),
    end=st.integers(1, 24),
    moment=st.datetimes(
        min_value=dt.datetime(2027, 1, 1),
        max_value=dt.datetime(2030, 12, 31),
        timezones=st.just(dt.UTC),
    ),
)
def test_sharing_hours_are_the_ambassadors_local_hours(
    zone: str, start: int, end: int, moment: dt.datetime
) -> None:
    membership = Membership(
        organization=Organization(sharing_start_hour=start, sharing_end_hour=end),
        user=User(time_zone=zone),
    )
    local_hour = moment.astimezone(zoneinfo.ZoneInfo(zone)).hour
    refused = check_hours(membership=membership, moment=moment)
    assert (refused == []) == (local_hour in allowed_hours(start, end))
    if refused:
        assert zone in refused[0]


def test_sharing_hours_are_checked_when_sharing(world: World) -> None:
    configure(world, sharing_start_hour=22, sharing_end_hour=6)
    world.ambassador.user.time_zone = "Africa/Casablanca"
    world.ambassador.user.save(update_fields=["time_zone"])
    casablanca = zoneinfo.ZoneInfo("Africa/Casablanca")
    # 22:30 in Paris is 21:30 in Casablanca in summer: closed for this ambassador.
    with pytest.raises(ValidationError, match="Africa/Casablanca"):
        share_now(world, dt.datetime(2027, 6, 15, 21, 30, tzinfo=casablanca), Network.X)
    assert share_now(world, dt.datetime(2027, 6, 15, 22, 30, tzinfo=casablanca), Network.X)
