"""Feed ingestion: 200 local feeds of 50 items, read twice (then once more without ETags).

The feeds are generated RSS 2.0 documents of realistic size (titles, summaries of
a few hundred characters, tracked links, GUIDs, dates, media:content images),
served by a real HTTP server on 127.0.0.1 that honours If-None-Match. Each pass
polls every source through the same service the worker uses, one after the other
(one worker): fetch, parse, de-duplicate, create the items.

- pass 1: every item is new;
- pass 2: the server answers 304 to the conditional GET, nothing is created;
- pass 3: ETags forgotten, every feed re-read and parsed; de-duplication by
  GUID / canonical URL must create nothing.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.harness import Measure, Result

FEEDS = 200
ITEMS = 50
WORDS = [
    "marché",
    "données",
    "cloud",
    "souverain",
    "stratégie",
    "industrie",
    "croissance",
    "talents",
    "recrutement",
    "transition",
    "énergie",
    "cybersécurité",
    "innovation",
    "analyse",
    "tendance",
    "investissement",
    "client",
    "numérique",
    "entreprise",
    "régulation",
    "usage",
    "plateforme",
    "intelligence",
    "artificielle",
    "étude",
    "baromètre",
    "secteur",
    "performance",
    "financement",
    "durable",
    "logistique",
    "santé",
    "assurance",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def generate_feed(number: int, *, now: datetime) -> bytes:
    rng = random.Random(number)
    host = f"media{number:03d}.example.com"
    items = []
    for i in range(ITEMS):
        slug = f"article-{number:03d}-{i:02d}"
        title = _sentence(rng, rng.randint(7, 13))
        summary = ". ".join(_sentence(rng, rng.randint(10, 18)) for _ in range(rng.randint(3, 6)))
        published = format_datetime(now - timedelta(hours=i * 3 + number % 7))
        items.append(
            f"""    <item>
      <title>{escape(title)}</title>
      <link>https://{host}/{slug}/?utm_source=rss&amp;utm_medium=feed&amp;utm_campaign=veille</link>
      <guid isPermaLink="false">{host}-{i}</guid>
      <pubDate>{published}</pubDate>
      <dc:creator>Rédaction {number}</dc:creator>
      <category>{escape(rng.choice(WORDS))}</category>
      <description><![CDATA[<p>{escape(summary)}.</p>]]></description>
      <media:content url="https://cdn.{host}/images/{slug}-1200x630.jpg" medium="image" width="1200" height="630"/>
    </item>"""
        )
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Média {number} – Analyses</title>
    <link>https://{host}/</link>
    <description>Analyses et actualités du secteur</description>
    <language>fr-FR</language>
{body}
  </channel>
</rss>
""".encode()


def _setup_django() -> None:
    os.environ.setdefault("AMBASSADE_FETCH_ALLOW_PRIVATE", "true")
    from django.conf import settings

    if not settings.configured:
        tmp = Path(tempfile.mkdtemp(prefix="ambassade-bench-feeds-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # The feeds are served on 127.0.0.1: allow it for this run only.
    settings.AMBASSADE_FETCH_ALLOW_PRIVATE = True
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run() -> Result:
    _setup_django()
    from django.utils import timezone

    from ambassade.accounts.models import Membership, Organization, User
    from ambassade.content.feeds.services import (
        FeedSourceData,
        feed_source_create,
        feed_source_poll,
    )
    from ambassade.content.models import ContentItem, FeedSource
    from ambassade.lib.tests.http_server import LocalHTTPServer
    from ambassade.programs.models import Program

    now = datetime.now(UTC)
    stamp = int(time.time())
    organization = Organization.objects.create(
        name=f"Bench feeds {stamp}", slug=f"bench-feeds-{stamp}"
    )
    user = User.objects.create_user(f"curator-{stamp}@bench.example", full_name="Bench Curator")
    curator = Membership.objects.create(user=user, organization=organization, is_curator=True)
    program = Program.objects.create(
        organization=organization, name="Veille", slug="veille", starts_on=now.date()
    )

    server = LocalHTTPServer().start()
    sizes = []
    try:
        for number in range(FEEDS):
            body = generate_feed(number, now=now)
            sizes.append(len(body))
            server.route(
                f"/feeds/{number}.xml",
                body=body,
                content_type="application/rss+xml; charset=utf-8",
                etag=f'"feed-{number}-v1"',
            )
        sources = [
            feed_source_create(
                actor=curator,
                data=FeedSourceData(
                    name=f"Média {number}",
                    url=server.url(f"/feeds/{number}.xml"),
                    programs=[program],
                    max_items_per_day=ITEMS,
                ),
                now=timezone.now(),
            )
            for number in range(FEEDS)
        ]

        def one_pass(name: str) -> tuple[Measure, dict[str, int]]:
            latencies: list[float] = []
            counts = {"new": 0, "duplicates": 0, "not_modified": 0, "failed": 0}
            started = time.perf_counter()
            for source in sources:
                t0 = time.perf_counter()
                report = feed_source_poll(source=source, now=timezone.now())
                latencies.append((time.perf_counter() - t0) * 1000)
                if report is None:
                    counts["failed"] += 1
                    continue
                counts["new"] += report.new
                counts["duplicates"] += report.duplicates
                counts["not_modified"] += int(report.not_modified)
            seconds = time.perf_counter() - started
            return Measure(name, FEEDS * ITEMS, seconds, latencies), counts

        first, first_counts = one_pass("pass 1: 10,000 new items (items/s)")
        created = ContentItem.objects.filter(organization=organization).count()
        second, second_counts = one_pass("pass 2: conditional GET (items/s)")
        after_second = ContentItem.objects.filter(organization=organization).count()
        FeedSource.objects.filter(organization=organization).update(etag="", last_modified="")
        for source in sources:
            source.etag = source.last_modified = ""
        third, third_counts = one_pass("pass 3: no ETag, full re-read (items/s)")
        after_third = ContentItem.objects.filter(organization=organization).count()
    finally:
        server.stop()

    extra: dict[str, Any] = {
        "feeds": FEEDS,
        "items per feed": ITEMS,
        "mean feed size (bytes)": round(sum(sizes) / len(sizes)),
        "pass 1 seconds": round(first.seconds, 2),
        "pass 1 items created": created,
        "pass 1 failures": first_counts["failed"],
        "pass 2 seconds": round(second.seconds, 2),
        "pass 2 items created": after_second - created,
        "pass 2 conditional fetches answered 304": f"{second_counts['not_modified']} of {FEEDS}",
        "pass 3 seconds": round(third.seconds, 2),
        "pass 3 items created": after_third - after_second,
        "pass 3 duplicates recognised": third_counts["duplicates"],
        "target": "10,000 items in under 20 s; pass 2: 0 new items",
    }
    return Result(
        benchmark="feeds",
        description=(
            f"{FEEDS} local feeds x {ITEMS} items over HTTP on 127.0.0.1, one worker, "
            "fetch + parse + de-duplicate + create (per-feed latency in ms)"
        ),
        measures=[first, second, third],
        baseline=first.name,
        extra=extra,
    )


if __name__ == "__main__":
    result = run()
    print(result.table())
    print(f"  -> {result.write()}")
