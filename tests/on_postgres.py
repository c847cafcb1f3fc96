"""Run the suite again on PostgreSQL when it answers; say so loudly when it does not.

``TEST_POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432/test``) names the
server. With ``CI=true`` an unreachable server is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"


def main() -> int:
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL)
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        first_line = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        )
        message = f"PostgreSQL at {url} is unreachable ({first_line})"
        if os.environ.get("CI") == "true":
            print(f"FAILED: {message}; CI requires the PostgreSQL tests.", file=sys.stderr)
            return 1
        print(f"*** {message}: PostgreSQL tests SKIPPED. ***")
        return 0
    print(f"Running the suite on PostgreSQL ({url})")
    env = dict(os.environ, DATABASE_URL=url)
    # The browser test already ran on SQLite; the data layer is what differs here.
    return subprocess.call([sys.executable, "-m", "pytest", "-m", "not browser", "-q"], env=env)


if __name__ == "__main__":
    sys.exit(main())
