"""Public lists of real user agents, to measure the bot classifier against.

- crawlers: the "instances" of the npm package ``crawler-user-agents`` (user
  agents seen in the wild, one entry per crawler);
- browsers: the npm package ``top-user-agents`` (the most common browser user
  agents) and the browser list shipped with the PyPI package ``fake-useragent``
  (``fake_useragent/data/browsers.jsonl``, with each one's share of traffic).

The npm lists are installed into ``var/ua-lists`` (``AMBASSADE_UA_LISTS``
overrides it) by :data:`NPM_INSTALL`; nothing here needs Django.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
NPM_PACKAGES = ("crawler-user-agents", "top-user-agents")


def lists_dir() -> Path:
    return Path(os.environ.get("AMBASSADE_UA_LISTS", REPO_DIR / "var" / "ua-lists"))


def npm_install_command(target: Path | None = None) -> list[str]:
    return ["npm", "install", "--prefix", str(target or lists_dir()), *NPM_PACKAGES]


class ListsMissing(Exception):
    """The public lists are not installed (and could not be)."""


@dataclass(frozen=True)
class UserAgentLists:
    crawlers: list[str]
    browsers: list[str]
    # fake-useragent's browsers with their share of traffic, in percent.
    browser_shares: dict[str, float]
    sources: dict[str, str]


def _modules(target: Path) -> Path:
    return target / "node_modules"


def lists_installed(target: Path | None = None) -> bool:
    modules = _modules(target or lists_dir())
    return all((modules / name / "package.json").exists() for name in NPM_PACKAGES)


def install_lists(target: Path | None = None) -> bool:
    """Install the npm lists when missing and npm exists; say whether they are there."""
    target = target or lists_dir()
    if lists_installed(target):
        return True
    if shutil.which("npm") is None:
        return False
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(npm_install_command(target), check=True, capture_output=True, timeout=300)
    return lists_installed(target)


def _version(package_dir: Path) -> str:
    data = json.loads((package_dir / "package.json").read_text())
    return f"{data['name']}@{data['version']}"


def _fake_useragent_browsers() -> tuple[dict[str, float], str]:
    try:
        import fake_useragent
    except ImportError as exc:  # a dev dependency
        raise ListsMissing("fake-useragent is not installed (a dev dependency).") from exc
    path = resources.files(fake_useragent) / "data" / "browsers.jsonl"
    shares: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            ua = row["useragent"].strip()
            shares[ua] = shares.get(ua, 0.0) + float(row.get("percent") or 0.0)
    version = getattr(fake_useragent, "__version__", "")
    return shares, f"fake-useragent{'@' + version if version else ''} data/browsers.jsonl"


def load_lists(target: Path | None = None) -> UserAgentLists:
    """Read the lists; raise ListsMissing with the command to run when they are absent."""
    target = target or lists_dir()
    if not lists_installed(target):
        raise ListsMissing(
            f"The public user-agent lists are not installed in {target}: run "
            f"`{' '.join(npm_install_command(target))}`."
        )
    modules = _modules(target)
    crawler_dir = modules / "crawler-user-agents"
    entries = json.loads((crawler_dir / "crawler-user-agents.json").read_text(encoding="utf-8"))
    crawlers = sorted(
        {ua.strip() for entry in entries for ua in entry.get("instances", []) if ua.strip()}
    )
    top_dir = modules / "top-user-agents"
    top: set[str] = set()
    for name in ("index.json", "desktop.json", "mobile.json"):
        path = top_dir / "src" / name
        if path.exists():
            top.update(ua.strip() for ua in json.loads(path.read_text(encoding="utf-8")))
    shares, fake_source = _fake_useragent_browsers()
    browsers = sorted((top | set(shares)) - {""})
    return UserAgentLists(
        crawlers=crawlers,
        browsers=browsers,
        browser_shares=shares,
        sources={
            "crawlers": f"{_version(crawler_dir)} crawler-user-agents.json (instances)",
            "browsers": f"{_version(top_dir)} src/*.json + {fake_source}",
        },
    )


@dataclass(frozen=True)
class Figures:
    crawlers: int
    crawlers_flagged: int
    browsers: int
    browsers_flagged: int
    # Weighted by fake-useragent's traffic shares.
    browser_traffic_flagged_percent: float
    missed_crawlers: list[str]
    flagged_browsers: list[str]

    @property
    def crawlers_flagged_percent(self) -> float:
        return 100 * self.crawlers_flagged / self.crawlers if self.crawlers else 0.0

    @property
    def browsers_flagged_percent(self) -> float:
        return 100 * self.browsers_flagged / self.browsers if self.browsers else 0.0


def score(lists: UserAgentLists, is_bot: Callable[[str], bool]) -> Figures:
    """How many crawlers a classifier flags, and how many browsers it wrongly flags."""
    missed = [ua for ua in lists.crawlers if not is_bot(ua)]
    flagged = [ua for ua in lists.browsers if is_bot(ua)]
    flagged_set = set(flagged)
    total_share = sum(lists.browser_shares.values())
    flagged_share = sum(s for ua, s in lists.browser_shares.items() if ua in flagged_set)
    return Figures(
        crawlers=len(lists.crawlers),
        crawlers_flagged=len(lists.crawlers) - len(missed),
        browsers=len(lists.browsers),
        browsers_flagged=len(flagged),
        browser_traffic_flagged_percent=100 * flagged_share / total_share if total_share else 0.0,
        missed_crawlers=missed,
        flagged_browsers=flagged,
    )
