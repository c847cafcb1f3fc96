"""Run every benchmark, print a table, write one JSON file per benchmark."""

from __future__ import annotations

import sys

from bench import dashboard as dashboard_bench
from bench import feeds as feeds_bench
from bench import newsletter as newsletter_bench
from bench import redirect, redirect_inprocess
from bench import user_agents as user_agents_bench
from bench.harness import machine


def main() -> int:
    info = machine()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}")
    for module in (
        redirect_inprocess,
        redirect,
        user_agents_bench,
        feeds_bench,
        dashboard_bench,
        newsletter_bench,
    ):
        result = module.run()
        path = result.write()
        print(result.table())
        print(f"  -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
