"""The demo's activity: ambassadors' shares in their own words, and the clicks they bring.

Shares are written directly (``share_create`` only accepts "now"); links use the
same destination rules as the real ones, clicks the same bot classification.
No IP address appears anywhere: visitor hashes come from synthetic visitors and
a synthetic salt per day.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ambassade.accounts.models import Network, SocialAccount
from ambassade.demo import data, profiles
from ambassade.demo.plan import Ambassador, Context, ItemPlan, OrgPlan, poisson, weighted
from ambassade.lib.codes import BASE62
from ambassade.lib.own_words import own_words_ratio
from ambassade.sharing.models import Share
from ambassade.tracking.bots import classify_user_agent, user_agent_family
from ambassade.tracking.models import Click, TrackedLink
from ambassade.tracking.services import destination_for, visitor_hash

BATCH = 5000
SHARE_CHUNK = 2000
CODE_LENGTH = 10
# How many different commentaries one department writes about one item; beyond
# that, colleagues' commentaries repeat (only at benchmark sizes).
POOL_SIZE = 6
SHARE_WINDOW = timedelta(days=30)
MIN_DELAY = timedelta(minutes=10)
NETWORK_WEIGHT = {
    Network.LINKEDIN: 4.0,
    Network.X: 2.0,
    Network.FACEBOOK: 2.0,
    Network.BLUESKY: 2.0,
    Network.MASTODON: 2.0,
    Network.THREADS: 2.0,
    Network.WHATSAPP: 1.0,
    Network.XING: 1.0,
}
# Clicks for a given audience: WhatsApp messages go to few people who all read them.
CLICK_FACTOR = {
    Network.LINKEDIN: 1.0,
    Network.X: 0.7,
    Network.FACEBOOK: 0.9,
    Network.BLUESKY: 0.8,
    Network.MASTODON: 0.9,
    Network.THREADS: 0.6,
    Network.WHATSAPP: 2.5,
    Network.XING: 0.6,
}
BUDGET = {Network.X: 250, Network.BLUESKY: 240}
LONG_BUDGET = 480
# Local hours at which people post: before work, lunch, evening.
HOURS = [(7.5, 2), (9.5, 3), (11.0, 2), (12.5, 3), (14.5, 2), (17.0, 2), (19.0, 2), (21.0, 1)]
PREVIEW_CHANCE = 0.5
CHAT_BOT_CHANCE = 0.06
CRAWLER_CHANCE = 0.05


@dataclass(frozen=True)
class PlannedShare:
    plan: OrgPlan
    amb: Ambassador
    item: ItemPlan
    account: SocialAccount
    commentary: str
    ratio: float
    at: datetime


@dataclass
class Totals:
    shares: int = 0
    clicks: int = 0
    bots: int = 0


def _fit(parts: list[str], budget: int) -> str:
    """Drop the last parts, then cut at a word, until the text fits the network."""
    text = " ".join(parts)
    while len(text) > budget and len(parts) > 1:
        parts = parts[:-1]
        text = " ".join(parts)
    if len(text) > budget:
        text = text[: budget - 1].rsplit(" ", 1)[0] + "…"
    return text


class Activity:
    def __init__(self, ctx: Context, plans: list[OrgPlan]) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.plans = plans
        self.codes: set[str] = set()
        self.salts: dict[date, str] = {}
        self.pools: dict[tuple[int, str, int], list[tuple[str, float]]] = {}
        self.pending: list[PlannedShare] = []
        self.clicks: list[Click] = []
        self.totals = Totals()
        self.visitors = 0
        self.regulars: dict[int, list[tuple[int, str]]] = {}
        self.browsers = [ua for ua, _ in profiles.BROWSERS]
        self.browser_weights = [w for _, w in profiles.BROWSERS]
        self.families = {
            ua: user_agent_family(ua)
            for ua in self.browsers
            + [ua for ua, _ in profiles.OTHER_BOTS]
            + [ua for uas in profiles.PREVIEW_BOTS.values() for ua in uas]
        }

    # --- shares ------------------------------------------------------------------------

    def run(self) -> Totals:
        ambassadors = sum(len(plan.ambassadors) for plan in self.plans)
        self.ctx.reporter.start("Partages et clics", ambassadors)
        done = 0
        for plan in self.plans:
            shareable = sorted(
                (
                    item
                    for item in plan.items
                    if item.publish_at is not None
                    and item.publish_at <= self.ctx.now
                    and item.status in {"published", "archived"}
                ),
                key=lambda item: (item.publish_at, item.pk),
            )
            stamps = [item.publish_at.timestamp() for item in shareable if item.publish_at]
            for amb in plan.ambassadors:
                self._plan_shares(plan, amb, shareable, stamps)
                done += 1
                if len(self.pending) >= SHARE_CHUNK:
                    self._flush_shares()
                if done % 100 == 0:
                    self.ctx.reporter.advance(done)
        self._flush_shares()
        if self.clicks:
            self._flush_clicks()
        self.ctx.reporter.advance(done)
        bots = 100 * self.totals.bots / self.totals.clicks if self.totals.clicks else 0
        self.ctx.reporter.finish(
            f"{self.totals.shares} partages, {self.totals.clicks} clics dont {bots:.0f} % de robots"
        )
        return self.totals

    def _share_times(self, amb: Ambassador) -> list[datetime]:
        ctx, rng = self.ctx, self.rng
        if amb.joined_at is None or amb.rate <= 0:
            return []
        start = max(amb.joined_at, ctx.window_start)
        end = min(amb.left_at or ctx.now, ctx.now) - timedelta(minutes=5)
        span_days = (end - start).total_seconds() / 86400
        if span_days <= 0:
            return []
        tz = ZoneInfo(amb.user.time_zone)
        times: list[datetime] = []
        for _ in range(poisson(rng, amb.rate * span_days)):
            for _attempt in range(4):
                day = (start + timedelta(days=rng.uniform(0, span_days))).astimezone(tz).date()
                if day.weekday() >= 5 and rng.random() < 0.75:
                    continue  # fewer posts at the weekend
                base, _weight = rng.choices(HOURS, [w for _, w in HOURS])[0]
                minutes = int((base + rng.uniform(0, 1.5)) * 60)
                at = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=tz)
                at += timedelta(seconds=rng.randint(0, 59))
                if start <= at <= end:
                    times.append(at)
                    break
        return sorted(times)

    def _pick_item(
        self, amb: Ambassador, at: datetime, items: list[ItemPlan], stamps: list[float]
    ) -> ItemPlan | None:
        rng = self.rng
        lo = bisect_left(stamps, (at - SHARE_WINDOW).timestamp())
        hi = bisect_right(stamps, (at - MIN_DELAY).timestamp())
        candidates: list[ItemPlan] = []
        weights: list[float] = []
        language = amb.user.language
        recruiter = amb.department.name == "RH"
        for item in items[lo:hi]:
            if item.expires_at is not None and item.expires_at <= at:
                continue
            if item.archived_at is not None and item.archived_at <= at:
                continue
            if item.publish_at is None:  # never: only published items are listed
                continue
            age = (at - item.publish_at).total_seconds() / 86400
            weight = math.exp(-age / 4) * item.appeal
            if item.language != language:
                weight *= 0.45
            if recruiter and item.kind == "job_offer":
                weight *= 3
            candidates.append(item)
            weights.append(weight)
        if not candidates:
            return None
        return rng.choices(candidates, weights)[0]

    def _plan_shares(
        self, plan: OrgPlan, amb: Ambassador, items: list[ItemPlan], stamps: list[float]
    ) -> None:
        rng = self.rng
        allowed = plan.the_program.allowed_networks
        accounts = [a for a in amb.accounts if a.network in allowed]
        if not accounts:
            return
        done: set[tuple[int, str]] = set()
        for at in self._share_times(amb):
            item = self._pick_item(amb, at, items, stamps)
            if item is None:
                continue
            open_accounts = [a for a in accounts if (item.pk, a.network) not in done]
            if not open_accounts:
                continue
            if item.family == "company":
                weights = [
                    NETWORK_WEIGHT[Network(a.network)] * (1.5 if a.kind == "professional" else 1)
                    for a in open_accounts
                ]
            else:
                weights = [NETWORK_WEIGHT[Network(a.network)] for a in open_accounts]
            account = rng.choices(open_accounts, weights)[0]
            done.add((item.pk, account.network))
            commentary, ratio = self._commentary(plan, amb, item, account.network)
            self.pending.append(PlannedShare(plan, amb, item, account, commentary, ratio, at))

    def _commentary(
        self, plan: OrgPlan, amb: Ambassador, item: ItemPlan, network: str
    ) -> tuple[str, float]:
        budget = BUDGET.get(Network(network), LONG_BUDGET)
        pool = self.pools.setdefault((item.pk, amb.department.name, budget), [])
        if len(pool) >= POOL_SIZE:
            return self.rng.choice(pool)
        text = self._compose(plan, amb, item, budget)
        # The same inputs as share_create: suggested messages, title and summary.
        ratio = own_words_ratio(text, [*item.suggestions, item.title, item.summary])
        pool.append((text, ratio))
        return text, ratio

    def _compose(self, plan: OrgPlan, amb: Ambassador, item: ItemPlan, budget: int) -> str:
        """An opening with a personal angle, a point in one's words, sometimes borrowed text."""
        rng = self.rng
        lang = item.language
        values = {
            "dept": amb.department.inside,
            "dept_lower": amb.department.inside_lower,
            "dept_en": amb.department.english,
            "org": plan.spec.name,
        }
        if rng.random() < 0.12:
            prefix, suggestion = rng.choice(data.BORROW[lang]), rng.choice(item.suggestions)
            same = suggestion.lower().startswith(prefix.rstrip(" :").lower())
            parts = [suggestion] if same else [prefix, suggestion]
        else:
            openings = data.OPENINGS[lang]["any"] + 2 * data.OPENINGS[lang].get(item.kind, [])
            parts = [rng.choice(openings).format(**values)]
            point = rng.choice(item.points)
            # After "Pour celles et ceux qui suivent le secteur :", the point itself.
            reaction = "{Point}." if parts[0].endswith(":") else rng.choice(data.REACTIONS[lang])
            parts.append(reaction.format(point=point, Point=point[:1].upper() + point[1:]))
            if rng.random() < 0.3:
                parts.append(rng.choice(item.suggestions))
            if rng.random() < 0.45:
                parts.append(rng.choice(data.CLOSINGS[lang]))
        if budget < LONG_BUDGET and item.hashtags and rng.random() < 0.5:
            parts.append(" ".join(f"#{tag}" for tag in item.hashtags.split()[:2]))
        return _fit(parts, budget)

    # --- writing -------------------------------------------------------------------------

    def _code(self) -> str:
        while True:
            code = "".join(self.rng.choices(BASE62, k=CODE_LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _flush_shares(self) -> None:
        if not self.pending:
            return
        shares = [
            Share(
                organization_id=p.plan.organization.pk,
                program_id=p.plan.the_program.pk,
                item_id=p.item.pk,
                ambassador_id=p.amb.user.pk,
                membership_id=p.amb.membership.pk,
                network=p.account.network,
                social_account_id=p.account.pk,
                commentary=p.commentary,
                own_words_ratio=p.ratio,
                created_at=p.at,
            )
            for p in self.pending
        ]
        Share.objects.bulk_create(shares, batch_size=BATCH)
        links = [
            TrackedLink(
                organization_id=share.organization_id,
                share_id=share.pk,
                code=self._code(),
                destination=destination_for(
                    url=p.item.url,
                    network=share.network,
                    campaign=p.plan.the_program.slug,
                    share_id=share.pk,
                ),
                plain_url=p.item.url,
                is_attributed=p.amb.left_at is None,
                created_at=share.created_at,
            )
            for share, p in zip(shares, self.pending, strict=True)
        ]
        TrackedLink.objects.bulk_create(links, batch_size=BATCH)
        for link, p in zip(links, self.pending, strict=True):
            self._clicks_for(link, p)
            if len(self.clicks) >= BATCH:
                self._flush_clicks()
        self.totals.shares += len(shares)
        self.pending = []

    def _flush_clicks(self) -> None:
        Click.objects.bulk_create(self.clicks, batch_size=BATCH)
        self.totals.clicks += len(self.clicks)
        self.totals.bots += sum(1 for click in self.clicks if click.is_bot)
        self.clicks = []

    # --- clicks --------------------------------------------------------------------------

    def _salt(self, day: date) -> str:
        salt = self.salts.get(day)
        if salt is None:
            seed = f"ambassade-demo|{self.ctx.seed}|{day.isoformat()}"
            salt = self.salts[day] = hashlib.sha256(seed.encode()).hexdigest()
        return salt

    def _click(self, link: TrackedLink, at: datetime, ua: str, referrer: str, visitor: str) -> None:
        verdict = classify_user_agent(ua)
        self.clicks.append(
            Click(
                organization_id=link.organization_id,
                link_id=link.pk,
                clicked_at=at,
                click_id=f"{self.rng.getrandbits(96):024x}",
                referrer_host=referrer,
                user_agent_family=self.families.get(ua) or user_agent_family(ua),
                is_bot=verdict.is_bot,
                bot_reason=verdict.reason[:100] if verdict.is_bot else "",
                visitor_hash=visitor_hash(
                    salt=self._salt(at.astimezone(UTC).date()), ip=visitor, user_agent=ua
                ),
            )
        )

    def _referrer(self, p: PlannedShare) -> str:
        host = weighted(self.rng, profiles.REFERRERS[p.account.network])
        return host.replace("{instance}", p.account.mastodon_instance or "mastodon.social")

    def _clicks_for(self, link: TrackedLink, p: PlannedShare) -> None:
        rng = self.rng
        cutoff = min(p.amb.left_at or self.ctx.now, self.ctx.now)
        network = Network(p.account.network)
        # Previews are fetched as the post goes out.
        if rng.random() < PREVIEW_CHANCE:
            fetchers = profiles.PREVIEW_BOTS.get(network, [])
            count = rng.randint(1, 3) if network == Network.MASTODON else 1
            for ua in rng.sample(fetchers, min(count, len(fetchers))):
                at = p.at + timedelta(seconds=rng.uniform(1, 90))
                if at < cutoff:
                    self._click(link, at, ua, "", f"demo-bot-{network}")
        mean = (
            0.007
            * p.account.audience_size**0.9
            * CLICK_FACTOR[network]
            * p.item.appeal
            * math.exp(rng.gauss(0, 0.5))
        )
        regulars = self.regulars.setdefault(p.plan.organization.pk, [])
        previous: tuple[int, str] | None = None
        for _ in range(poisson(rng, mean)):
            draw = rng.random()
            if draw < 0.62:
                delay = rng.expovariate(1 / 5)  # hours: most clicks come the same day
            elif draw < 0.95:
                delay = rng.expovariate(1 / 36)
            else:
                delay = rng.uniform(0, 20 * 24)
            at = p.at + timedelta(hours=delay, seconds=rng.uniform(20, 120))
            if at >= cutoff:
                continue  # not happened yet, or no longer recorded
            chance = rng.random()
            if previous is not None and chance < 0.07:
                visitor = previous  # the same person clicks again
            elif regulars and chance < 0.17:
                visitor = rng.choice(regulars)
            else:
                self.visitors += 1
                ua = rng.choices(self.browsers, self.browser_weights)[0]
                visitor = (self.visitors, ua)
                if len(regulars) < 2000 and rng.random() < 0.05:
                    regulars.append(visitor)
            previous = visitor
            number, ua = visitor
            self._click(link, at, ua, self._referrer(p), f"demo-visitor-{number}")
            if rng.random() < CHAT_BOT_CHANCE:
                # Someone passes the link on in a chat, which draws its own preview.
                bot = weighted(rng, profiles.OTHER_BOTS[:5])
                later = at + timedelta(seconds=rng.uniform(30, 3600))
                if later < cutoff:
                    self._click(link, later, bot, "", f"demo-bot-{bot[:12]}")
        if rng.random() < CRAWLER_CHANCE:
            bot = weighted(rng, profiles.OTHER_BOTS[5:])
            at = p.at + timedelta(hours=rng.uniform(1, 240))
            if at < cutoff:
                self._click(link, at, bot, "", f"demo-bot-{bot[:12]}")


def activity_create(ctx: Context, plans: list[OrgPlan]) -> Totals:
    return Activity(ctx, plans).run()
