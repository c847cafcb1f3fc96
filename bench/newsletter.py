"""Newsletter: 10,000 personalised newsletters rendered and delivered over SMTP.

A loopback SMTP sink (aiosmtpd's ``Sink`` handler, which accepts and discards) runs
in a process of its own on 127.0.0.1. One program with 10,000 enrolled ambassadors,
a third of whom shared last month (with clicks), gets its monthly issue; the
measured part is what the background worker does: read each batch's figures, render
each recipient's HTML (inlined CSS) and plain text, claim the delivery, send it on a
reused SMTP connection, mark it sent. The baseline is a bare ``smtplib`` loop sending
one pre-rendered message of the same size to the same sink, in the same run.

Peak memory is the process's resident-set high-water mark over this benchmark
(VmHWM, reset at the start when the kernel allows it; ``ru_maxrss`` otherwise).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import resource
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

from bench.harness import Measure, Result

RECIPIENTS = 10_000
SENDERS = 2
SHARERS = RECIPIENTS // 3
TARGET_PER_SECOND = 300
TARGET_PEAK_MB = 400


def _setup_django() -> None:
    from django.conf import settings

    if not settings.configured:
        tmp = Path(tempfile.mkdtemp(prefix="ambassade-bench-newsletter-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_sink(port: int) -> subprocess.Popen[bytes]:
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as probe:
                probe.noop()
            return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise RuntimeError("The SMTP sink did not start.")


def _reset_peak() -> bool:
    try:
        Path(f"/proc/{os.getpid()}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mb(reset: bool) -> float:
    if reset:
        for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _seed(stamp: int) -> Any:
    """One organization, one program, 10,000 ambassadors, last month's shares and clicks."""
    from django.utils import timezone

    from ambassade.accounts.models import Membership, Network, Organization, User
    from ambassade.content.models import ContentItem, Family, ItemStatus, Kind
    from ambassade.lib.codes import random_code
    from ambassade.newsletter.services import edition_period, issue_generate
    from ambassade.programs.models import Enrolment, EnrolmentStatus, Program
    from ambassade.sharing.models import Share
    from ambassade.tracking.models import Click, TrackedLink

    rng = random.Random(42)
    now = timezone.now()
    organization = Organization.objects.create(
        name=f"Bench newsletter {stamp}", slug=f"bench-newsletter-{stamp}"
    )
    start, _end = edition_period(now.date())
    program = Program.objects.create(
        organization=organization,
        name="Talents",
        slug="talents",
        starts_on=start - timedelta(days=90),
    )
    first_names = [
        "Camille",
        "Léa",
        "Hugo",
        "Inès",
        "Yasmine",
        "Louis",
        "Chloé",
        "Karim",
        "Zoé",
        "Nora",
    ]
    users = User.objects.bulk_create(
        [
            User(
                email=f"ambassadeur{n}-{stamp}@bench.example",
                full_name=f"{rng.choice(first_names)} Martin-{n}",
                language="fr" if n % 5 else "en",
                time_zone="Europe/Paris" if n % 4 else "Africa/Casablanca",
                password="!",
            )
            for n in range(RECIPIENTS)
        ],
        batch_size=2000,
    )
    members = Membership.objects.bulk_create(
        [
            Membership(
                user=user, organization=organization, is_ambassador=True, department="Ventes"
            )
            for user in users
        ],
        batch_size=2000,
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(program=program, membership=m, status=EnrolmentStatus.ACTIVE, joined_at=now)
            for m in members
        ],
        batch_size=2000,
    )
    items = []
    for n in range(12):
        item = ContentItem.objects.create(
            organization=organization,
            family=Family.MARKET if n % 5 else Family.COMPANY,
            kind=Kind.ANALYSIS,
            title=f"Analyse du marché de l'énergie, épisode {n}",
            url=f"https://news.example.com/analyse-{n}",
            summary="Une lecture utile sur la transition énergétique et ce qu'elle change. " * 3,
            status=ItemStatus.PUBLISHED,
            publish_at=now - timedelta(days=n),
        )
        item.programs.add(program)
        items.append(item)
    moment = datetime.combine(start, dt_time(0), tzinfo=UTC) + timedelta(days=5)
    shares = Share.objects.bulk_create(
        [
            Share(
                organization=organization,
                program=program,
                item=rng.choice(items),
                ambassador_id=member.user_id,
                membership=member,
                network=Network.LINKEDIN,
                commentary="Mon regard sur ce sujet.",
                own_words_ratio=0.7,
                created_at=moment + timedelta(hours=rng.randint(0, 400)),
            )
            for member in rng.sample(members, SHARERS)
        ],
        batch_size=2000,
    )
    links = TrackedLink.objects.bulk_create(
        [
            TrackedLink(
                organization=organization,
                share=share,
                code=random_code(12),
                destination="https://news.example.com/",
                plain_url="https://news.example.com/",
                created_at=share.created_at,
            )
            for share in shares
        ],
        batch_size=2000,
    )
    clicks = [
        Click(
            organization=organization,
            link=link,
            clicked_at=link.created_at + timedelta(hours=1 + c),
            click_id=random_code(20),
            is_bot=c == 0 and n % 7 == 0,
            visitor_hash=f"v{n}-{c}",
        )
        for n, link in enumerate(links)
        for c in range(rng.randint(0, 6))
    ]
    Click.objects.bulk_create(clicks, batch_size=5000)
    issue = issue_generate(program=program, edition_on=now.date(), now=now)
    issue.editorial = "Un mois record : merci à toutes et à tous pour vos partages !"
    issue.save()
    return issue, len(clicks)


class _Timing:
    """Stands in for a job's progress: one timestamp per delivery claimed."""

    def __init__(self) -> None:
        self.stamps: list[float] = []

    def set_total(self, total: int) -> None:
        pass

    def advance(self, step: int = 1, *, message: str = "") -> None:
        self.stamps.append(time.perf_counter())

    def note(self, message: str) -> None:
        pass


def _latencies(stamps: list[float], started: float) -> list[float]:
    previous = started
    out = []
    for stamp in stamps:
        out.append((stamp - previous) * 1000)
        previous = stamp
    return out


def _sender(issue_id: int, now: Any, results: Any) -> None:
    """One send task in its own process (forked: it reopens its database connection)."""
    from ambassade.newsletter.sending import issue_deliver

    reset = _reset_peak()
    timing = _Timing()
    report = issue_deliver(issue_id=issue_id, now=now, progress=timing, senders=SENDERS)  # type: ignore[arg-type]
    results.put(
        {
            "sent": report.sent,
            "failed": report.failed,
            "stamps": timing.stamps,
            "peak_mb": _peak_mb(reset),
        }
    )


def _baseline(port: int, payload: bytes, count: int) -> Measure:
    latencies: list[float] = []
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for n in range(count):
            t0 = time.perf_counter()
            client.sendmail("ambassade@localhost", [f"ambassadeur{n}@bench.example"], payload)
            latencies.append((time.perf_counter() - t0) * 1000)
    return Measure(
        "bare smtplib, one pre-rendered message", count, time.perf_counter() - started, latencies
    )


def run() -> Result:
    _setup_django()
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    from ambassade.newsletter.models import Delivery, DeliveryStatus
    from ambassade.newsletter.rendering import IssueRenderer
    from ambassade.newsletter.services import issue_start

    reset = _reset_peak()
    stamp = int(time.time())
    t0 = time.perf_counter()
    issue, click_count = _seed(stamp)
    seed_seconds = time.perf_counter() - t0

    port = _free_port()
    sink = _start_sink(port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.AMBASSADE_NEWSLETTER_RATE = 0
    try:
        now = timezone.now()
        t0 = time.perf_counter()
        queued = issue_start(issue=issue, now=now, sent_by_id=None)
        queue_seconds = time.perf_counter() - t0

        # Two send tasks share the issue, as the background workers run it
        # (AMBASSADE_NEWSLETTER_SENDERS, 2 by default): two processes here.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        results: Any = context.Queue()
        started = time.perf_counter()
        workers = [
            context.Process(target=_sender, args=(issue.pk, now, results)) for _ in range(SENDERS)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=900) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        seconds = time.perf_counter() - started
        stamps = sorted(stamp for outcome in outcomes for stamp in outcome["stamps"])
        newsletter = Measure(
            f"render + deliver, {SENDERS} senders",
            sum(outcome["sent"] for outcome in outcomes),
            seconds,
            _latencies(stamps, started),
        )
        peak = _peak_mb(reset)
        worker_peaks = [outcome["peak_mb"] for outcome in outcomes]
        failed = sum(outcome["failed"] for outcome in outcomes)
        sent = Delivery.objects.filter(issue=issue, status=DeliveryStatus.SENT).count()

        # The same kind of message, rendered once, as the bare loop's payload.
        member = issue.deliveries.select_related("membership__user").first().membership
        sample = IssueRenderer(issue, now=now).render_one(member)
        from django.core.mail import EmailMultiAlternatives

        message = EmailMultiAlternatives(
            sample.subject,
            sample.text,
            "ambassade@localhost",
            [member.user.email],
            headers=sample.headers,
        )
        message.attach_alternative(sample.html, "text/html")
        payload = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
        baseline = _baseline(port, payload, RECIPIENTS)
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    extra: dict[str, Any] = {
        "recipients": RECIPIENTS,
        "queued": queued,
        "sent (deliveries marked sent)": sent,
        "failed": failed,
        "messages per second": round(newsletter.per_second, 1),
        "baseline messages per second": round(baseline.per_second, 1),
        "mean message size (bytes)": len(payload),
        "peak memory (MB), all processes": round(peak + sum(worker_peaks), 1),
        "peak memory (MB) per process": f"main {peak:.1f}, senders "
        + ", ".join(f"{p:.1f}" for p in worker_peaks),
        "seed: ambassadors, shares, clicks": f"{RECIPIENTS}, {SHARERS}, {click_count} in {seed_seconds:.1f} s",
        "queueing 10,000 deliveries (s)": round(queue_seconds, 2),
        "batch size (messages per SMTP connection)": settings.AMBASSADE_NEWSLETTER_BATCH,
        "target": f">= {TARGET_PER_SECOND} messages/s and < {TARGET_PEAK_MB} MB peak",
        "verdict": "met"
        if newsletter.per_second >= TARGET_PER_SECOND
        and peak < TARGET_PEAK_MB
        and sent == RECIPIENTS
        else "NOT met",
    }
    return Result(
        benchmark="newsletter",
        description=(
            f"{RECIPIENTS:,} personalised newsletters (fr/en, two time zones) rendered with inlined "
            "CSS and delivered over SMTP to a loopback sink, two send tasks in two processes (ms between messages)"
        ),
        measures=[newsletter, baseline],
        baseline=baseline.name,
        extra=extra,
    )


if __name__ == "__main__":
    result = run()
    print(result.table())
    print(f"  -> {result.write()}")
