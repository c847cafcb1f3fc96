"""The bot classifier on public lists of real user agents.

Figures to reach: at least 98 % of crawler user agents flagged, at most 1 % of
real browser user agents flagged. Baseline in the same run: ``crawlerdetect``
alone. The npm lists are installed into ``var/ua-lists`` when missing and npm
exists. Also times one uncached classification of every user agent.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from crawlerdetect import CrawlerDetect

from ambassade.tracking import bots
from ambassade.tracking.ua_lists import (
    Figures,
    ListsMissing,
    install_lists,
    load_lists,
    score,
)
from bench.harness import Result, measure

CRAWLERS_TARGET = 98.0
BROWSERS_TARGET = 1.0
BASELINE = "crawlerdetect alone"
OURS = "ambassade classifier"


def _crawlerdetect(ua: str) -> bool:
    return bool(CrawlerDetect().isCrawler(ua))


def _ours(ua: str) -> bool:
    return bots.classify_user_agent(ua).is_bot


def _figures(figures: Figures) -> dict[str, object]:
    return {
        "crawlers_flagged_percent": round(figures.crawlers_flagged_percent, 2),
        "crawlers_flagged": f"{figures.crawlers_flagged}/{figures.crawlers}",
        "browsers_flagged_percent": round(figures.browsers_flagged_percent, 2),
        "browsers_flagged": f"{figures.browsers_flagged}/{figures.browsers}",
        "browser_traffic_flagged_percent": round(figures.browser_traffic_flagged_percent, 3),
    }


class ListsResult(Result):
    """The JSON file keeps the misses for auditing; the printed table leaves them out."""

    def table(self) -> str:
        lines = super().table().splitlines()
        hidden = ("missed_crawlers:", "flagged_browsers:")
        return "\n".join(line for line in lines if not line.strip().startswith(hidden))


def run() -> Result:
    try:
        if not install_lists():
            raise ListsMissing("npm is not installed: cannot fetch the public user-agent lists.")
        lists = load_lists()
    except (ListsMissing, OSError) as exc:
        print(f"user_agents: skipped: {exc}", file=sys.stderr)
        return Result("user_agents", f"skipped: {exc}", [], BASELINE)
    everything = [*lists.crawlers, *lists.browsers]
    classifiers: dict[str, Callable[[str], bool]] = {BASELINE: _crawlerdetect, OURS: _ours}
    measures = []
    extra: dict[str, object] = {"sources": lists.sources}
    for name, classify in classifiers.items():
        bots.classify_user_agent.cache_clear()

        def call(i: int, classify: Callable[[str], bool] = classify) -> None:
            classify(everything[i])

        measures.append(measure(name, len(everything), call))
        figures = score(lists, classify)
        extra[name] = _figures(figures)
        if name == OURS:
            extra["missed_crawlers"] = figures.missed_crawlers
            extra["flagged_browsers"] = figures.flagged_browsers
            extra["targets_met"] = (
                figures.crawlers_flagged_percent >= CRAWLERS_TARGET
                and figures.browsers_flagged_percent <= BROWSERS_TARGET
            )
    return ListsResult(
        benchmark="user_agents",
        description=(
            f"bot classification on public lists (target: >= {CRAWLERS_TARGET:g} % crawlers "
            f"flagged, <= {BROWSERS_TARGET:g} % browsers flagged); timings per user agent"
        ),
        measures=measures,
        baseline=BASELINE,
        extra=extra,
    )
