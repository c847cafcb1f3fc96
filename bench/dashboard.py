"""The program dashboard's KPI endpoint as history grows: 50,000 then 5,000,000 clicks.

Each size gets a fresh database (SQLite file, then PostgreSQL when reachable)
seeded by a dedicated bulk seeder (``ambassade seed_demo`` writes through the ORM
and would take hours at this size): one organization, 10,000 ambassadors, 200,000
shares and their tracked links spread over 12 months, the clicks (10 % bots,
daily visitor hashes, referrers of the networks) following each share over the
next days, and conversions after 1 % of the human clicks. The small database has
the same ambassadors, shares and months and 1 % of the clicks. The roll-up job
then runs as in production, and the endpoint the dashboard reads,
``GET /api/v1/analytics/programs/<slug>/dashboard`` (this month, KPIs, every
breakdown and the daily series), is timed with a personal API token through
Django's test client: 5 warm-up calls, then 30 timed ones.

Targets: median under 150 ms on each database, and the median at 5M clicks at
most 1.5 times the median at 50,000 clicks.

Environment: BENCH_DASHBOARD_CLICKS (default 5000000), BENCH_DASHBOARD_SMALL
(50000), BENCH_DASHBOARD_DATABASES ("sqlite,postgres"), BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness import Measure, Result

ROOT = Path(__file__).resolve().parent.parent
AMBASSADORS = 10_000
SHARES = 200_000
ITEMS = 400
DAYS = 365
WARM_UP = 5
CALLS = 30
TARGET_MS = 150.0
TARGET_RATIO = 1.5
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
NETWORKS = ("linkedin", "x", "facebook", "bluesky")
REFERRERS = {
    "linkedin": ("lnkd.in", "www.linkedin.com", "com.linkedin.android", ""),
    "x": ("t.co", "x.com", ""),
    "facebook": ("l.facebook.com", "m.facebook.com", ""),
    "bluesky": ("bsky.app", ""),
}


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


# --- in the child process: seed, roll up, time ------------------------------------------------


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start : start + 20_000])


def seed(clicks: int, now: datetime) -> dict[str, Any]:
    """Write the data set with multi-row inserts; returns the program's slug and a token."""
    from django.db import connection, transaction
    from django.db.models import F

    from ambassade.accounts.models import Membership, Organization, SocialAccount, User
    from ambassade.accounts.tokens import api_token_create
    from ambassade.content.models import ContentItem
    from ambassade.programs.models import Enrolment, Program, Wave
    from ambassade.sharing.models import Share
    from ambassade.tracking.models import Click, Conversion, TrackedLink

    rng = random.Random(2026)
    start = now - timedelta(days=DAYS)
    with transaction.atomic():
        org = Organization.objects.create(name="Bench", slug="bench")
        manager_user = User.objects.create(
            email="manager@bench.example", full_name="Manager", password="!"
        )
        manager = Membership.objects.create(user=manager_user, organization=org, is_manager=True)
        program = Program.objects.create(
            organization=org, name="Bench", slug="bench", starts_on=start.date()
        )
        waves = [
            Wave.objects.create(program=program, name="Pilote", starts_on=start.date()),
            Wave.objects.create(
                program=program, name="Vague 2", starts_on=(start + timedelta(days=90)).date()
            ),
        ]
        users = User.objects.bulk_create(
            [
                User(email=f"a{n}@bench.example", full_name=f"Ambassadeur {n}", password="!")
                for n in range(AMBASSADORS)
            ],
            batch_size=5000,
        )
        departments = ("RH", "Ventes", "Ingénierie", "Marketing", "Finance", "Juridique")
        members = Membership.objects.bulk_create(
            [
                Membership(
                    user=u, organization=org, is_ambassador=True, department=rng.choice(departments)
                )
                for u in users
            ],
            batch_size=5000,
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    program=program,
                    membership=m,
                    wave=waves[0] if n < 500 else waves[1],
                    status="active",
                    joined_at=start,
                )
                for n, m in enumerate(members)
            ],
            batch_size=5000,
        )
        accounts = SocialAccount.objects.bulk_create(
            [
                SocialAccount(
                    user=u,
                    network=NETWORKS[n % len(NETWORKS)],
                    handle=f"h{n}",
                    audience_size=rng.randint(50, 5000),
                )
                for n, u in enumerate(users)
            ],
            batch_size=5000,
        )
        items = ContentItem.objects.bulk_create(
            [
                ContentItem(
                    organization=org,
                    family="company" if n % 5 == 0 else "market",
                    kind="company_news" if n % 5 == 0 else "sector_news",
                    title=f"Contenu {n}",
                    url=f"https://news.example.com/{n}",
                    status="published",
                    publish_at=start + timedelta(days=DAYS * n / ITEMS),
                )
                for n in range(ITEMS)
            ]
        )
        share_rows, link_rows, share_times, share_networks = [], [], [], []
        first_share = (Share.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for n in range(SHARES):
            member = rng.randrange(AMBASSADORS)
            at = start + timedelta(seconds=rng.randrange(DAYS * 86400))
            item = items[min(ITEMS - 1, int((at - start).days * ITEMS / DAYS))]
            network = NETWORKS[member % len(NETWORKS)]
            share_id = first_share + n
            share_rows.append(
                (
                    share_id,
                    org.pk,
                    program.pk,
                    item.pk,
                    users[member].pk,
                    members[member].pk,
                    network,
                    accounts[member].pk,
                    "Mon avis.",
                    1.0,
                    at,
                )
            )
            link_rows.append(
                (
                    org.pk,
                    share_id,
                    f"b{n:09d}",
                    "https://acme.example/o?utm_source=x",
                    "https://acme.example/o",
                    True,
                    True,
                    at,
                )
            )
            share_times.append(at)
            share_networks.append(network)
        _insert(
            Share._meta.db_table,
            [
                "id",
                "organization_id",
                "program_id",
                "item_id",
                "ambassador_id",
                "membership_id",
                "network",
                "social_account_id",
                "commentary",
                "own_words_ratio",
                "created_at",
            ],
            share_rows,
        )
        _insert(
            TrackedLink._meta.db_table,
            [
                "organization_id",
                "share_id",
                "code",
                "destination",
                "plain_url",
                "is_active",
                "is_attributed",
                "created_at",
            ],
            link_rows,
        )
        link_ids = dict(TrackedLink.objects.filter(organization=org).values_list("share_id", "pk"))
    # Clicks: in batches, each in its own transaction.
    click_columns = [
        "organization_id",
        "link_id",
        "clicked_at",
        "click_id",
        "referrer_host",
        "user_agent_family",
        "is_bot",
        "bot_reason",
        "trigger",
        "visitor_hash",
    ]
    written = 0
    human_sample: list[int] = []
    batch: list[tuple[Any, ...]] = []
    end = now - timedelta(minutes=1)
    while written < clicks:
        n = rng.randrange(SHARES)
        at = share_times[n] + timedelta(seconds=int(rng.expovariate(1 / 86400) * 1.5))
        if at > end:
            continue
        bot = rng.random() < 0.1
        batch.append(
            (
                org.pk,
                link_ids[first_share + n],
                at,
                f"{written:032x}",
                rng.choice(REFERRERS[share_networks[n]]),
                "Bot" if bot else "Chrome",
                bot,
                "crawler" if bot else "",
                "link",
                f"{rng.randrange(2_000_000):x}",
            )
        )
        written += 1
        if len(batch) == 100_000 or written == clicks:
            with transaction.atomic():
                _insert(Click._meta.db_table, click_columns, batch)
            batch = []
    # Conversions after 1 % of the human clicks.
    with transaction.atomic():
        # One human click in a hundred (by id, which is random in time).
        sample = list(
            Click.objects.filter(organization=org, is_bot=False)
            .annotate(bucket=F("pk") % 100)
            .filter(bucket=0)
            .values_list("pk", "link__share_id", "clicked_at")
        )
        Conversion.objects.bulk_create(
            [
                Conversion(
                    organization=org,
                    click_id=pk,
                    share_id=share_id,
                    kind="job_application" if i % 3 else "lead",
                    occurred_at=min(end, clicked_at + timedelta(minutes=10)),
                    received_at=min(end, clicked_at + timedelta(minutes=10)),
                    source="server",
                )
                for i, (pk, share_id, clicked_at) in enumerate(sample)
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _token, raw = api_token_create(actor=manager, name="bench", now=now)
    human_sample.clear()
    return {"slug": program.slug, "token": raw}


def child(database_url: str, clicks: int) -> dict[str, Any]:
    _setup(database_url)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from ambassade.analytics.services import rollups_update
    from ambassade.tracking.models import Click

    now = timezone.now()
    t0 = time.perf_counter()
    seeded = seed(clicks, now)
    seed_seconds = time.perf_counter() - t0
    print(f"seeded {clicks} clicks in {seed_seconds:.0f} s", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    report = rollups_update(now=now)
    rollup_seconds = time.perf_counter() - t0
    print(f"rolled up in {rollup_seconds:.0f} s", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded['token']}", HTTP_HOST="127.0.0.1")
    url = f"/api/v1/analytics/programs/{seeded['slug']}/dashboard"
    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
    latencies = []
    for _ in range(CALLS):
        t = time.perf_counter()
        response = client.get(url)
        latencies.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    body = response.json()
    return {
        "vendor": connection.vendor,
        "clicks": Click.objects.count(),
        "seed_seconds": round(seed_seconds, 1),
        "rollup_seconds": round(rollup_seconds, 1),
        "rollup_days": report.days,
        "latencies_ms": latencies,
        "month_human_clicks": body["kpis"]["human_clicks"],
        "month_shares": body["kpis"]["shares"],
    }


# --- in the parent: one child per database and size --------------------------------------------


def _database(vendor: str, clicks: int, tmp: Path) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{tmp / f'dashboard-{clicks}.sqlite3'}"
    import psycopg

    name = f"bench_dashboard_{clicks}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{POSTGRES}/{name}"


def _drop(vendor: str, clicks: int) -> None:
    if vendor != "postgresql":
        return
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS bench_dashboard_{clicks}")


def run() -> Result:
    big = int(os.environ.get("BENCH_DASHBOARD_CLICKS", "5000000"))
    small = int(os.environ.get("BENCH_DASHBOARD_SMALL", "50000"))
    vendors = [
        v.strip()
        for v in os.environ.get("BENCH_DASHBOARD_DATABASES", "sqlite,postgres").split(",")
        if v.strip()
    ]
    skipped = []
    if "postgres" in vendors and not postgres_reachable():
        vendors.remove("postgres")
        skipped.append("PostgreSQL unreachable on 127.0.0.1:5432: skipped")
    tmp = Path(tempfile.mkdtemp(prefix="ambassade-bench-dashboard-"))
    measures: list[Measure] = []
    extra: dict[str, Any] = {"skipped": skipped} if skipped else {}
    for vendor in vendors:
        medians = {}
        for clicks in (small, big):
            url = _database(vendor, clicks, tmp)
            started = time.perf_counter()
            output = subprocess.run(
                [sys.executable, "-m", "bench.dashboard", url, str(clicks)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if output.returncode != 0:
                raise RuntimeError(f"dashboard bench child failed:\n{output.stderr[-4000:]}")
            data = json.loads(output.stdout.strip().splitlines()[-1])
            _drop("postgresql" if vendor == "postgres" else vendor, clicks)
            name = f"{data['vendor']} {clicks:,} clicks"
            measure = Measure(
                name,
                len(data["latencies_ms"]),
                sum(data["latencies_ms"]) / 1000,
                data["latencies_ms"],
            )
            measures.append(measure)
            medians[clicks] = statistics.median(data["latencies_ms"])
            extra[name] = (
                f"median {medians[clicks]:.1f} ms; seeded in {data['seed_seconds']} s, rolled up in "
                f"{data['rollup_seconds']} s ({data['rollup_days']} days); this month: "
                f"{data['month_shares']} shares, {data['month_human_clicks']} human clicks; "
                f"total {time.perf_counter() - started:.0f} s"
            )
        ratio = medians[big] / medians[small] if medians[small] else 0.0
        extra[f"{vendor} ratio {big:,} / {small:,}"] = (
            f"{ratio:.2f} (target ≤ {TARGET_RATIO}); medians under {TARGET_MS:.0f} ms: "
            f"{'yes' if max(medians.values()) < TARGET_MS else 'NO'}"
        )
    return Result(
        benchmark="dashboard",
        description=(
            f"GET the program dashboard (this month, KPIs, breakdowns, series): {AMBASSADORS:,} "
            f"ambassadors, {SHARES:,} shares over 12 months, {small:,} vs {big:,} clicks"
        ),
        measures=measures,
        baseline=measures[0].name if measures else "",
        extra=extra,
    )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        print(json.dumps(child(sys.argv[1], int(sys.argv[2]))))
    else:
        result = run()
        print(result.table())
        print(f"  -> {result.write()}")
