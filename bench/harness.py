"""Shared measuring tools: timings, machine description, results files."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


@dataclass
class Measure:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        index = min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))
        return ordered[index]

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50), 3),
            "p99_ms": round(self.percentile(99), 3),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 3) if self.latencies_ms else 0,
        }


def measure(name: str, calls: int, call: Callable[[int], None]) -> Measure:
    latencies: list[float] = []
    started = time.perf_counter()
    for i in range(calls):
        t0 = time.perf_counter()
        call(i)
        latencies.append((time.perf_counter() - t0) * 1000)
    return Measure(name, calls, time.perf_counter() - started, latencies)


@dataclass
class Result:
    benchmark: str
    description: str
    measures: list[Measure]
    baseline: str
    extra: dict[str, Any] = field(default_factory=dict)

    def write(self) -> Path:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{self.benchmark}.json"
        data = asdict(self)
        data["measures"] = [m.summary() for m in self.measures]
        data["machine"] = machine()
        data["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return path

    def table(self) -> str:
        base = next((m for m in self.measures if m.name == self.baseline), None)
        lines = [
            f"{self.benchmark}: {self.description}",
            f"  {'measure':<38} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs base':>8}",
        ]
        for m in self.measures:
            ratio = f"{m.per_second / base.per_second:.2f}" if base and base.per_second else "-"
            lines.append(
                f"  {m.name:<38} {m.per_second:>10.0f} {m.percentile(50):>8.3f} "
                f"{m.percentile(99):>8.3f} {ratio:>8}"
            )
        for key, value in self.extra.items():
            lines.append(f"  {key}: {value}")
        return "\n".join(lines)
