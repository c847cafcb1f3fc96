"""The /r/ redirector over HTTP: the production server under wrk, nginx's static 302 as baseline.

Starts the web server exactly as ``make serve`` does (``make web``: same granian
command line and options) on a free loopback port, on a fresh SQLite database
with 10,000 live tracked links; drives random codes with ``wrk`` (64
connections, 2 threads, a browser user agent); then measures nginx answering a
static 302 with its access log on, on the same machine in the same run. A
second run makes the database unavailable half-way (another connection holds
``BEGIN EXCLUSIVE`` for longer than the flusher's busy timeout).

Clicks recorded are counted in the database once the server says it has
flushed everything; redirects answered are the server's own count (the
``stats-<pid>.json`` files each process writes in its spool directory). wrk
and nginx are Debian packages, installed with apt-get when missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import Measure, Result

ROOT = Path(__file__).resolve().parent.parent
LINKS = 10_000
DURATION = int(os.environ.get("BENCH_SECONDS", "20"))
WARM_UP = 5
CONNECTIONS = 64
THREADS = 2
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
]

LUA = """
local codes = {}
for line in io.lines("%(codes)s") do codes[#codes + 1] = line end
local agents = {%(agents)s}
local n = 0
request = function()
  n = n + 1
  local headers = {["User-Agent"] = agents[(n %% #agents) + 1],
                   ["Referer"] = "https://www.linkedin.com/"}
  return wrk.format("GET", "/r/" .. codes[math.random(#codes)], headers)
end
"""

NGINX = """
worker_processes 2;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log;
events { worker_connections 1024; }
http {
  access_log %(dir)s/access.log;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/proxy;
  fastcgi_temp_path %(dir)s/fastcgi;
  uwsgi_temp_path %(dir)s/uwsgi;
  scgi_temp_path %(dir)s/scgi;
  server {
    listen 127.0.0.1:%(port)d;
    location / { return 302 https://acme.example/offres/42?utm_source=linkedin; }
  }
}
"""


@dataclass
class WrkRun:
    """What wrk printed: rate, latency percentiles, responses that were not 2xx/3xx."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    socket_errors: str


class WrkMeasure(Measure):
    """A ``Measure`` from wrk's own percentiles (wrk keeps no list of latencies)."""

    def __init__(self, name: str, run: WrkRun) -> None:
        super().__init__(name, run.requests, run.seconds, [])
        self.run = run

    def percentile(self, q: float) -> float:
        return {50.0: self.run.p50_ms, 99.0: self.run.p99_ms}[float(q)]

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": self.run.p50_ms,
            "p99_ms": self.run.p99_ms,
            "non_2xx_3xx": self.run.errors,
            "socket_errors": self.run.socket_errors,
        }


def ensure_packages() -> None:
    missing = [pkg for pkg, binary in (("wrk", "wrk"), ("nginx", "nginx")) if not _which(binary)]
    if missing:
        print(f"Installing {', '.join(missing)} with apt-get…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=False, env=env)
        if any(not _which(pkg) for pkg in missing):
            subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env)


def _which(binary: str) -> str | None:
    return shutil.which(binary) or next(
        (str(p) for p in (Path("/usr/sbin") / binary, Path("/usr/bin") / binary) if p.exists()),
        None,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Nothing listens on 127.0.0.1:{port} after {timeout} s.")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"Unreadable wrk latency: {text!r}")
    return round(float(match.group(1)) * _UNITS[match.group(2)], 3)


def wrk(url: str, script: Path, seconds: int = DURATION) -> WrkRun:
    command = [
        _which("wrk") or "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    if not (requests and p50 and p99):
        raise RuntimeError(f"Unreadable wrk output:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    return WrkRun(
        requests=int(requests.group(1)),
        seconds=float(seconds),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        errors=int(errors.group(1)) if errors else 0,
        socket_errors=sockets.group(1).strip() if sockets else "none",
    )


def seed(database: Path, environment: dict[str, str]) -> list[str]:
    """A migrated database with LINKS live attributed links; returns their codes."""
    subprocess.run(
        [str(ROOT / ".venv/bin/ambassade"), "migrate", "--noinput", "-v", "0"],
        check=True,
        env=environment,
        cwd=ROOT,
    )
    out = database.parent / "codes.txt"
    script = f"from bench.redirect import seed_links; seed_links({str(out)!r})"
    subprocess.run(
        [str(ROOT / ".venv/bin/ambassade"), "shell", "-c", script],
        check=True,
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    codes = out.read_text().split()
    if len(codes) != LINKS:
        raise RuntimeError(f"Seeding gave {len(codes)} links, not {LINKS}.")
    return codes


def seed_links(out: str) -> None:
    """Inside ``ambassade shell``: LINKS live links of one share each; their codes to ``out``."""
    from django.utils import timezone

    from ambassade.lib.codes import random_code
    from ambassade.sharing.models import Share
    from ambassade.tracking.models import TrackedLink
    from tests.factories import (
        ContentItemFactory,
        MembershipFactory,
        OrganizationFactory,
        ProgramFactory,
        UserFactory,
    )

    org = OrganizationFactory.create(name="Bench", slug="bench")
    program = ProgramFactory.create(organization=org, name="Bench", slug="bench")
    item = ContentItemFactory.create(organization=org, url="https://acme.example/offres/42")
    member = MembershipFactory.create(
        user=UserFactory.create(), organization=org, is_ambassador=True
    )
    now = timezone.now()
    shares = Share.objects.bulk_create(
        Share(
            organization=org,
            program=program,
            item=item,
            ambassador=member.user,
            membership=member,
            network="linkedin",
            commentary="Bench",
            own_words_ratio=1.0,
            created_at=now,
        )
        for _ in range(LINKS)
    )
    codes: set[str] = set()
    while len(codes) < len(shares):
        codes.add(random_code(10))
    TrackedLink.objects.bulk_create(
        TrackedLink(
            organization=org,
            share=share,
            code=code,
            created_at=now,
            destination=(
                "https://acme.example/offres/42?utm_source=linkedin"
                f"&utm_content={share.pk}#postuler"
            ),
            plain_url="https://acme.example/offres/42#postuler",
        )
        for share, code in zip(shares, sorted(codes), strict=True)
    )
    Path(out).write_text("\n".join(sorted(codes)) + "\n")


def clicks_in(database: Path) -> int:
    with sqlite3.connect(database, timeout=60) as db:
        return int(db.execute("SELECT COUNT(*) FROM tracking_click").fetchone()[0])


def server_counts(spool: Path) -> dict[str, int]:
    totals = {"redirects": 0, "clicks": 0, "flushed": 0, "flush_failures": 0, "processes": 0}
    for path in spool.glob("stats-*.json"):
        try:
            stats = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        totals["processes"] += 1
        for key in ("redirects", "clicks", "flushed", "flush_failures"):
            totals[key] += int(stats[key])
    return totals


def wait_flushed(spool: Path, timeout: float = 120) -> dict[str, int]:
    """The server's counts once every answered click is in the database (and stays so)."""
    deadline = time.monotonic() + timeout
    previous: dict[str, int] = {}
    while time.monotonic() < deadline:
        counts = server_counts(spool)
        if counts == previous and counts["clicks"] == counts["flushed"]:
            return counts
        previous = counts
        time.sleep(1.5)
    raise RuntimeError(f"The server did not flush its clicks in {timeout} s: {previous}")


class Server:
    """``make web`` on a free loopback port, in its own process group."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.port = free_port()
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "web", "HOST=127.0.0.1", f"PORT={self.port}"],
            cwd=ROOT,
            env=self.environment,
            start_new_session=True,
        )
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Nginx:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Nginx:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "nginx.conf"
        config.write_text(NGINX % {"dir": self.directory, "port": self.port})
        binary = _which("nginx") or "nginx"
        self.process = subprocess.Popen(
            [binary, "-c", str(config), "-p", str(self.directory), "-g", "daemon off;"],
            start_new_session=True,
        )
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)


def hold_exclusive_lock(database: Path, after: float, hold: float, log: list[str]) -> None:
    """From another connection: ``BEGIN EXCLUSIVE`` after ``after`` s, for ``hold`` s."""
    time.sleep(after)
    db = sqlite3.connect(database, timeout=30, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    log.append(f"database locked (BEGIN EXCLUSIVE) at {after:.0f} s for {hold:.0f} s")
    time.sleep(hold)
    db.execute("COMMIT")
    db.close()


def run() -> Result:
    ensure_packages()
    work = Path(tempfile.mkdtemp(prefix="ambassade-bench-redirect-"))
    database = work / "bench.sqlite3"
    spool = work / "spool"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "AMBASSADE_VAR_DIR": str(work),
        "AMBASSADE_SPOOL_DIR": str(spool),
        "AMBASSADE_BASE_URL": "http://127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    environment.pop("AMBASSADE_CLICK_FLUSH", None)
    seed(database, environment)
    script = work / "codes.lua"
    script.write_text(
        LUA
        % {
            "codes": work / "codes.txt",
            "agents": ", ".join(json.dumps(agent) for agent in BROWSERS),
        }
    )
    extra: dict[str, Any] = {"links": LINKS, "duration_s": DURATION}
    extra["connections"] = f"{CONNECTIONS} connections, {THREADS} wrk threads"
    extra["server"] = "make web (as make serve): " + _granian_line()

    with Server(environment) as server:
        # Warm-up, not measured: page cache, link cache, first WAL checkpoints.
        wrk(f"http://127.0.0.1:{server.port}", script, seconds=WARM_UP)
        warm = wait_flushed(spool)["clicks"]
        warm_recorded = clicks_in(database)
        extra["warm-up redirects answered / recorded"] = f"{warm} / {warm_recorded}"
        nominal = wrk(f"http://127.0.0.1:{server.port}", script)
        counts = wait_flushed(spool)
        recorded = clicks_in(database)
        extra["run 1 redirects answered (server count)"] = counts["clicks"] - warm
        extra["run 1 clicks recorded (database)"] = recorded - warm_recorded
        extra["run 1 non-2xx/3xx"] = nominal.errors

        before = counts["clicks"]
        log: list[str] = []
        locker = threading.Thread(
            target=hold_exclusive_lock, args=(database, DURATION / 2 - 3, 8.0, log)
        )
        locker.start()
        outage = wrk(f"http://127.0.0.1:{server.port}", script)
        locker.join()
        counts = wait_flushed(spool)
        recorded_after = clicks_in(database)
        extra["run 2 (database locked half-way)"] = "; ".join(log)
        extra["run 2 non-2xx/3xx (5xx included)"] = outage.errors
        extra["run 2 failed flushes while locked"] = counts["flush_failures"]
        extra["run 2 redirects answered (server count)"] = counts["clicks"] - before
        extra["run 2 clicks recorded (database)"] = recorded_after - recorded

    with Nginx(work / "nginx") as nginx:
        baseline = wrk(f"http://127.0.0.1:{nginx.port}/", script)

    ambassade = WrkMeasure("Ambassade /r/<code> (clicks recorded)", nominal)
    locked = WrkMeasure("same, database locked half-way", outage)
    base = WrkMeasure("nginx static 302, access log on", baseline)
    extra["ratio to nginx"] = round(ambassade.per_second / base.per_second, 3)
    extra["lost or invented clicks"] = (
        warm
        - warm_recorded
        + extra["run 1 redirects answered (server count)"]
        - extra["run 1 clicks recorded (database)"]
        + extra["run 2 redirects answered (server count)"]
        - extra["run 2 clicks recorded (database)"]
    )
    shutil.rmtree(work, ignore_errors=True)
    return Result(
        benchmark="redirect",
        description="production server under wrk, SQLite, vs nginx static 302 (same run)",
        measures=[ambassade, locked, base],
        baseline=base.name,
        extra=extra,
    )


def _granian_line() -> str:
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", "web", "HOST=127.0.0.1", "PORT=PORT"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.split())


if __name__ == "__main__":
    result = run()
    print(result.table())
    print(f"  -> {result.write()}")
