"""The tenancy walk: every URL pattern and every API operation, as another organization.

Acme (mark "Quokka") has one of everything (tests/tenancy_world.py); its owner
holds every role. Globex (mark "Wombat") has the same, and its owner, the
*outsider*, holds every role there. For each URL pattern the walk finds values
of its parameters that name Acme's objects (the owner gets a page, or an
action goes through), then checks that the outsider is refused (403 or 404, or
a redirect that does not lead to the object) exactly as for an id that names
nothing, that a POST changes nothing of Acme's (every row of Acme's, in every
table, is compared), and that no answer shows Acme's mark. Acme's forms (every
option ticked: Acme's ids) and Acme's queries are then replayed on the
outsider's own page. Pages without parameters are read, and their forms
replayed, the same way. The API is walked likewise from its OpenAPI document,
with the outsider's token.

New pages and operations are walked automatically. One the walk cannot fill
fails with a message saying how to fix it: give Acme the object the page
names (tests/tenancy_world.py), teach the walk a word (``WORDS``), or, for a
public or tokenised address, add it to ``PUBLIC`` with the reason.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ambassade.accounts.models import Organization, User
from ambassade.accounts.permissions import get_scoped_or_404
from ambassade.analytics.selectors import BREAKDOWNS
from ambassade.analytics.views import TABLES
from ambassade.api import api
from ambassade.content.models import ContentItem
from ambassade.content.models_images import ContentImage, image_key
from ambassade.newsletter.models import Issue, Preference
from ambassade.tracking.models import Conversion
from tests.tenancy_html import page_forms_and_links
from tests.tenancy_world import Tenant, build

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# --- What the walk leaves alone, and why ------------------------------------------------
#
# Exact names, or a namespace followed by ":". Everything else is walked.
PUBLIC: dict[str, str] = {
    "healthz": "public health check, names nothing",
    "tracking:redirect": "the public redirector: a link works for anyone who has it "
    "(an unknown code is a 404: test_tokenised_addresses_refuse_a_wrong_token)",
    "tracking:script": "the public tracking script",
    "tracking:beacon": "the public beacon: it records a visit, shows nothing",
    "accounts:login": "public",
    "accounts:logout": "ends one's own session",
    "accounts:password_reset": "public; the e-mail goes to the address's owner only",
    "accounts:password_reset_done": "public",
    "accounts:password_reset_confirm": "tokenised: test_tokenised_addresses_refuse_a_wrong_token",
    "accounts:password_reset_complete": "public",
    "accounts:password_change": "one's own password",
    "accounts:password_change_done": "one's own password",
    "accounts:set_language": "one's own language",
    "community:calendar_feed": "tokenised: test_tokenised_addresses_refuse_a_wrong_token",
    "newsletter:unsubscribe": "tokenised: test_tokenised_addresses_refuse_a_wrong_token",
    "newsletter:click": "tokenised: test_tokenised_addresses_refuse_a_wrong_token",
    "newsletter:open": "tokenised: test_tokenised_addresses_refuse_a_wrong_token",
    "content:image": "tokenised (an HMAC of the image's id), for e-mails: "
    "test_tokenised_addresses_refuse_a_wrong_token",
    "admin:": "staff only; the outsider is not staff: test_admin_sends_the_outsider_to_log_in",
    "api:": "the API is walked operation by operation: test_api_operation",
}

# API operations that take no token.
PUBLIC_API: dict[str, str] = {
    "POST /api/v1/conversions": "signed with the organization's secret, not a token: "
    "test_conversions_refuse_another_organizations_click",
}

# Values of parameters that are words, not the name of a field of Acme's objects.
WORDS: dict[str, tuple[str, ...]] = {
    "fmt": ("csv", "xlsx", "json", "ics"),
    "table": tuple(TABLES),
    "action": ("approve", "fulfil", "refuse", "cancel"),
    "dimension": tuple(BREAKDOWNS),
}

MAX_TRIES = 80  # candidate values tried per pattern before giving up
MISSING = "987654321"  # an id that names nothing

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


# --- The URL patterns --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when unnamed
    route: str  # "curation/items/<int:pk>"
    app: str  # the view's app label ("content")
    is_regex: bool

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(m["converter"] or "str", m["name"]) for m in _PARAM.finditer(self.route)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + _PARAM.sub(lambda m: quote(values[m["name"]], safe=""), self.route)

    def segment_before(self, param: str) -> str:
        head = self.route.split(f":{param}>")[0].split(f"<{param}>")[0]
        words = [w for w in re.split(r"[/<>.]", head.rsplit("<", 1)[0]) if w and ":" not in w]
        return words[-1] if words else ""


def _routes() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name or route}" if namespace else entry.name
                module = getattr(entry.callback, "__module__", "") or ""
                app = module.split(".")[1] if module.startswith("ambassade.") else ""
                found.append(
                    Route(
                        name=name or route,
                        route=route,
                        app=app,
                        is_regex=not hasattr(entry.pattern, "_route"),
                    )
                )

    walk(get_resolver(), "", "")
    return found


def _public_reason(name: str) -> str | None:
    if name in PUBLIC:
        return PUBLIC[name]
    for key, reason in PUBLIC.items():
        if key.endswith(":") and name.startswith(key):
            return reason
    return None


ROUTES = _routes()
WALKED = [r for r in ROUTES if _public_reason(r.name) is None]
LIST_URLS = {r.url({}) for r in WALKED if not r.params and not r.is_regex}


# --- The world, built once for the module ------------------------------------------------


def _org_lookups(model: type[models.Model], depth: int = 3) -> list[str]:
    """Lookups from ``model`` to an Organization, through foreign keys (and users'
    memberships), so that a row of any table can be told to be Acme's."""
    if model is Organization:
        return ["pk"]
    if model is User:
        return ["memberships__organization"]
    lookups: list[str] = []

    def visit(current: type[models.Model], prefix: str, left: int) -> None:
        for column in current._meta.concrete_fields:
            if not (column.many_to_one or column.one_to_one):
                continue
            target = column.related_model
            lookup = prefix + column.name
            if target is Organization:
                lookups.append(lookup)
            elif target is User:
                lookups.append(lookup + "__memberships__organization")
            elif left > 1 and isinstance(target, type) and target._meta.app_label in APPS:
                visit(target, lookup + "__", left - 1)

    visit(model, "", depth)
    return lookups


APPS = {config.label for config in apps.get_app_configs() if config.name.startswith("ambassade")}


@dataclass
class Walk:
    acme: Tenant
    globex: Tenant
    tables: list[tuple[type[models.Model], list[str], list[str]]]  # model, lookups, fields
    _statements: list[tuple[str, str, tuple[Any, ...]]] = field(default_factory=list)
    _pks: dict[tuple[type[models.Model], int], list[str]] = field(default_factory=dict)
    _values: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def rows(self, model: type[models.Model], tenant: Tenant | None = None) -> models.QuerySet[Any]:
        """The rows of a table that are the tenant's (Acme's unless told)."""
        organization = (tenant or self.acme).organization.pk
        lookups = next(lookups for m, lookups, _f in self.tables if m is model)
        query = models.Q()
        for lookup in lookups:
            query |= models.Q(**{lookup: organization})
        return model._default_manager.filter(query).distinct()

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of Acme's, in every table: what the outsider must never change."""
        if not self._statements:  # the SQL is built once: the walk takes hundreds
            for model, _lookups, fields in self.tables:
                rows = self.rows(model).order_by("pk").values_list(*fields)
                sql, params = rows.query.sql_with_params()
                self._statements.append((model._meta.label, sql, params))
        found = {}
        with connection.cursor() as cursor:
            for label, sql, params in self._statements:
                cursor.execute(sql, params)
                found[label] = cursor.fetchall()
        return found

    def pks(self, model: type[models.Model], tenant: Tenant | None = None) -> list[str]:
        key = (model, (tenant or self.acme).organization.pk)
        if key not in self._pks:
            rows = self.rows(model, tenant).order_by("pk").values_list("pk", flat=True)
            self._pks[key] = [str(pk) for pk in rows]
        return self._pks[key]

    def values(self, field_name: str, tenant: Tenant | None = None) -> list[str]:
        """The tenant's values of every text field called ``field_name`` (slug, code…)."""
        key = (field_name, (tenant or self.acme).organization.pk)
        if key not in self._values:
            found: list[str] = []
            for model, _lookups, _fields in self.tables:
                if field_name in {
                    f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField)
                }:
                    rows = self.rows(model, tenant).values_list(field_name, flat=True)
                    found += [str(v) for v in rows]
            self._values[key] = list(dict.fromkeys(v for v in found if v))
        return self._values[key]

    def models_named(self, word: str) -> list[type[models.Model]]:
        """The models a URL word names: "items" → ContentItem, "targets" → KpiTarget."""
        word = re.sub(r"[^a-z]", "", word.lower())
        stems = {word, word.removesuffix("s"), word.removesuffix("es")} - {""}
        exact, partial = [], []
        for model, _lookups, _fields in self.tables:
            names = {model._meta.model_name or "", re.sub(r"\W", "", str(model._meta.verbose_name))}
            if names & stems:
                exact.append(model)
            elif any(n.endswith(s) or n.startswith(s) for n in names for s in stems if len(s) > 3):
                partial.append(model)
        return exact + partial


@pytest.fixture(scope="module")
def walk(django_db_setup: None, django_db_blocker: Any) -> Iterator[Walk]:
    with django_db_blocker.unblock(), translation.override("en"), transaction.atomic():
        acme, globex = build()
        tables = []
        for model in apps.get_models(include_auto_created=True):
            lookups = _org_lookups(model) if model._meta.app_label in APPS else []
            if lookups:  # tables without any are global (salts, cursors): nobody's data
                tables.append((model, lookups, [f.attname for f in model._meta.concrete_fields]))
        yield Walk(acme=acme, globex=globex, tables=tables)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    """Rate limits and cached pages start from zero for each pattern."""
    cache.clear()


def _client(tenant: Tenant) -> Client:
    client = Client()
    client.force_login(tenant.owner.user)
    return client


def _shows(response: Response, tenant: Tenant, sent: Any = ()) -> bool:
    """Whether the answer shows the tenant's mark, leaving aside what the request itself
    carried (an address with Acme's slug echoed on a 404 page, a replayed form's values)."""
    body = b"" if getattr(response, "streaming", False) else response.content
    text = (body.decode("utf-8", "replace") + " " + response.get("Location", "")).lower()
    for value in _texts(sent):
        if any(s.lower() in value for s in tenant.strings):
            text = text.replace(value, "").replace(quote(value, safe=""), "")
    return any(s.lower() in text for s in tenant.strings)


def _texts(sent: Any) -> Iterator[str]:
    """Every text in what a request sent, longest first (an address, values, a body)."""
    found: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)
        elif value is not None:
            found.add(str(value).lower())
            found.update(str(value).lower().replace("?", "/").replace("&", "/").split("/"))

    visit(sent)
    yield from sorted(found - {""}, key=len, reverse=True)


def _to_login(response: Response) -> bool:
    return response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))


def _reached(response: Response) -> bool:
    """The owner got somewhere: a page, a file, or a redirect that is not the login."""
    status = response.status_code
    return 200 <= status < 300 or (300 <= status < 400 and not _to_login(response))


def _rolled_back(send: Any) -> Response:
    """Do something as the owner and undo it: probing must not change the world."""
    with transaction.atomic():
        response: Response = send()
        transaction.set_rollback(True)
    cache.clear()
    return response


# --- Filling a pattern's parameters with Acme's objects ----------------------------------


def _candidates(
    walk: Walk, route: Route, converter: str, name: str, tenant: Tenant
) -> list[str] | None:
    if name in WORDS:
        return list(WORDS[name])
    if converter in {"int", "path"} or name in {"pk", "id"} or name.endswith("_id"):
        word = name.removesuffix("_id") if name not in {"pk", "id"} else route.segment_before(name)
        ordered = walk.models_named(word)
        ordered += [m for m, _l, _f in walk.tables if m._meta.app_label == route.app]
        ordered += [m for m, _l, _f in walk.tables]
        pks = [pk for model in dict.fromkeys(ordered) for pk in walk.pks(model, tenant)]
        return list(dict.fromkeys(pks))
    preferred = [  # the slug of a program after "programs/", before the organization's
        str(value)
        for model in walk.models_named(route.segment_before(name))
        if name in {f.name for f in model._meta.concrete_fields}
        for value in walk.rows(model, tenant).values_list(name, flat=True)
    ]
    values = walk.values(name, tenant) or walk.values(name.rsplit("_", 1)[-1], tenant)
    return list(dict.fromkeys(preferred + values)) or None


def _fills(walk: Walk, route: Route, tenant: Tenant) -> Iterator[dict[str, str]]:
    choices = []
    for converter, name in route.params:
        found = _candidates(walk, route, converter, name, tenant)
        if not found:
            pytest.fail(
                f"{route.name} ({route.route}): no value for <{converter}:{name}>. Give Acme an "
                f"object with a '{name}' field in tests/tenancy_world.py, add the word to "
                "WORDS in tests/test_tenancy_walk.py, or, if the address is public or "
                "tokenised, add it to PUBLIC with the reason."
            )
        choices.append([(name, value) for value in found])
    for combination in itertools.islice(itertools.product(*choices), MAX_TRIES):
        yield dict(combination)


@dataclass
class Found:
    url: str
    values: dict[str, str]
    method: str  # "get": the owner reads it; "post": the owner acts on it
    page: str  # the owner's page (GET), for its forms and links


def _find(walk: Walk, route: Route, tenant: Tenant, *, probe_posts: bool = True) -> Found | None:
    """Values naming the tenant's objects for which its owner reaches the page, or, on a
    page that only takes a POST, for which their POST is not refused (undone at once)."""
    owner = _client(tenant)
    post_only = False
    for values in _fills(walk, route, tenant):
        url = route.url(values)
        if not post_only:
            response = owner.get(url)
            if _reached(response):
                return Found(url, values, "get", _text(response))
            post_only = response.status_code == 405 and probe_posts
            if not post_only:
                continue
        response = _rolled_back(lambda url=url: owner.post(url, {}))
        if response.status_code not in {403, 404, 405} and not _to_login(response):
            return Found(url, values, "post", "")
    return None


def _find_for_owner(walk: Walk, route: Route) -> Found:
    found = _find(walk, route, walk.acme)
    if found is None:
        pytest.fail(
            f"{route.name} ({route.route}): Acme's owner, who holds every role, reached no "
            f"object with {MAX_TRIES} candidate values at most. Give Acme the object this "
            "page needs in tests/tenancy_world.py (or add a word to WORDS), or, if the "
            "address is public or tokenised, add it to PUBLIC with the reason."
        )
    return found


def _forms_to(page: str, url: str) -> list[dict[str, list[str]]]:
    """The page's POST forms to itself."""
    forms, _links = page_forms_and_links(page)
    return [
        form.data
        for form in forms
        if form.method == "post" and (not form.action or urlsplit(form.action).path == url)
    ][:3]


def _reveals(response: Response, found: Found) -> bool:
    """A redirect to the object itself, or to a page about it, gives it away."""
    location = urlsplit(response.get("Location", "")).path
    if not location or location == urlsplit(found.url).path:
        return bool(location)
    values = [quote(v, safe="") for v in found.values.values() if len(v) > 1]
    return any(f"/{v}/" in f"{location}/" for v in values)


def _refused(response: Response, found: Found, *, method: str) -> bool:
    status = response.status_code
    if status in {403, 404}:
        return True
    if status == 405:  # the view does not take this method at all
        return method == "post" or found.method == "post"
    return 300 <= status < 400 and not _reveals(response, found)


# --- The walk: pages --------------------------------------------------------------------


@pytest.mark.parametrize("route", WALKED, ids=[r.name for r in WALKED])
def test_page(walk: Walk, route: Route) -> None:
    if route.is_regex:
        pytest.fail(f"{route.name} ({route.route}) is a regular expression: use path().")
    if any(name not in WORDS for _converter, name in route.params):
        _walk_object_page(walk, route)
    else:  # a page of one's own, at most in another format (export.csv)
        for values in _fills(walk, route, walk.acme):
            _walk_list_page(walk, route, route.url(values))


def _walk_object_page(walk: Walk, route: Route) -> None:
    found = _find_for_owner(walk, route)
    outsider = _client(walk.globex)
    before = walk.snapshot()

    response = outsider.get(found.url)
    assert _refused(response, found, method="get"), (
        f"{route.name}: the outsider GETs {found.url} (Acme's) and gets "
        f"{response.status_code} {response.get('Location', '')}"
    )
    assert not _shows(response, walk.acme, found.url), f"{route.name}: Acme's data in {found.url}"

    for data in _forms_to(found.page, found.url) or [{}]:
        response = outsider.post(found.url, data)
        assert _refused(response, found, method="post"), (
            f"{route.name}: the outsider POSTs to {found.url} (Acme's) and gets "
            f"{response.status_code} {response.get('Location', '')}"
        )
        assert not _shows(response, walk.acme, [found.url, data]), (
            f"{route.name}: Acme's data in the answer to a POST"
        )
    assert walk.snapshot() == before, f"{route.name}: the outsider's POST changed Acme's data"

    # Acme's object answers as one that does not exist: nothing to learn by counting ids.
    missing = route.url({k: MISSING if v.isdigit() else v for k, v in found.values.items()})
    if missing != found.url:
        for method in ("get", "post"):
            answers = [getattr(outsider, method)(url).status_code for url in (found.url, missing)]
            assert answers[0] == answers[1], (
                f"{route.name}: the outsider's {method.upper()} on Acme's {found.url} gets "
                f"{answers[0]}, on a missing one {answers[1]}: Acme's ids can be told apart"
            )

    # The outsider's own page, with Acme's form values (Acme's ids) and Acme's queries.
    own = _find(walk, route, walk.globex, probe_posts=False) if found.page else None
    if own is None:
        return
    _forms, links = page_forms_and_links(found.page)
    here = urlsplit(found.url).path
    queries = [link for link in links if "?" in link and urlsplit(link).path in {"", here}]
    for link in list(dict.fromkeys(queries))[:3]:
        target = own.url + link[link.index("?") :]
        response = outsider.get(target)
        assert not _shows(response, walk.acme, target), f"{route.name}: Acme's data at {target}"
    for data in _forms_to(found.page, found.url):
        response = outsider.post(own.url, data)
        assert not _shows(response, walk.acme, [own.url, data]), (
            f"{route.name}: Acme's data after posting Acme's form to {own.url}"
        )
    assert walk.snapshot() == before, (
        f"{route.name}: the outsider changed Acme's data through their own {own.url}"
    )


def _walk_list_page(walk: Walk, route: Route, url: str) -> None:
    owner_page = _client(walk.acme).get(url)
    page = _text(owner_page)
    forms = _forms_to_lists(page, url)
    if owner_page.status_code == 405:  # it only takes a POST: an empty one, then
        forms.append((url, {}))
    outsider = _client(walk.globex)
    before = walk.snapshot() if forms else {}

    response = outsider.get(url)
    assert response.status_code < 500
    assert not _shows(response, walk.acme, url), f"{route.name}: Acme's data at {url}"

    # Acme's links to this page with a query (?program=…), as the outsider.
    _forms, links = page_forms_and_links(page)
    queries = [link for link in links if "?" in link and urlsplit(link).path in {"", url}]
    for link in list(dict.fromkeys(queries))[:3]:
        target = url + link[link.index("?") :]
        response = outsider.get(target)
        assert not _shows(response, walk.acme, target), f"{route.name}: Acme's data at {target}"
    # Acme's forms, every option ticked (Acme's ids), posted by the outsider.
    sent: list[Any] = [url]
    for action, data in forms:
        sent.append(data)
        response = outsider.post(action, data)
        assert not _shows(response, walk.acme, sent), (
            f"{route.name}: Acme's data after a POST to {action}"
        )
    if forms:
        assert walk.snapshot() == before, f"{route.name}: the outsider's POST changed Acme's data"
        response = outsider.get(url)
        assert not _shows(response, walk.acme, sent), f"{route.name}: Acme's data after the POSTs"


def _forms_to_lists(page: str, url: str) -> list[tuple[str, dict[str, list[str]]]]:
    """The page's POST forms to this page or another walked page without parameters
    (not to logout or the language switch: those are PUBLIC)."""
    forms, _links = page_forms_and_links(page)
    found = []
    for form in forms:
        action = urlsplit(form.action).path or url
        if form.method == "post" and action in LIST_URLS:
            found.append((action, form.data))
    return found[:4]


def _text(response: Response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


def test_every_pattern_is_walked_or_public() -> None:
    """The lists above say why each address is left alone; none is stale."""
    names = {r.name for r in ROUTES}
    stale = [
        key
        for key in PUBLIC
        if not (key in names or (key.endswith(":") and any(n.startswith(key) for n in names)))
    ]
    assert not stale, f"PUBLIC names addresses that no longer exist: {stale}"
    assert len(WALKED) > 100


def test_the_walk_sees_what_the_owner_sees(walk: Walk) -> None:
    """The mark check can fail: Acme's owner does see Acme's mark on Acme's pages."""
    owner = _client(walk.acme)
    for url in ("/curation/", f"/programs/{walk.acme.program.slug}/", "/community/"):
        assert _shows(owner.get(url), walk.acme), url
    outsider = _client(walk.globex)
    assert _shows(outsider.get("/curation/"), walk.globex)
    assert not _shows(outsider.get("/curation/"), walk.acme)


# --- The walk: the API ------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # "/api/v1/items/{item_id}"
    operation: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def params(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.operation.get("parameters", []) if p["in"] == where]


SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = [
    Operation(method, address, operation)
    for address, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
]
WALKED_API = [o for o in OPERATIONS if o.key not in PUBLIC_API]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            return _resolve({**options[0], **{k: v for k, v in schema.items() if k != combined}})
    return schema


def _api_value(walk: Walk, name: str, schema: dict[str, Any]) -> Any:
    """A value for a field of a body or a query: Acme's object where the name says one."""
    schema = _resolve(schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "array":
        item = _api_value(walk, name.removesuffix("s"), schema.get("items", {}))
        return [item] if item is not None else []
    if kind == "object":
        required = set(schema.get("required", []))
        return {
            key: value
            for key, sub in schema.get("properties", {}).items()
            if (value := _api_value(walk, key, sub)) is not None
            and (key in required or _names_acme(walk, key))
        }
    if kind == "integer":
        if _names_acme(walk, name):
            return int(_api_candidates(walk, name, "integer")[0])
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return timezone.now().isoformat()
    if schema.get("format") == "date":
        return timezone.now().date().isoformat()
    if "url" in name:
        return "https://example.com/walk"
    if name in WORDS:
        return WORDS[name][0]
    values = _api_candidates(walk, name, "string")
    return values[0] if values else "walk"


def _names_acme(walk: Walk, name: str) -> bool:
    return (name.endswith("_id") and bool(walk.models_named(name.removesuffix("_id")))) or bool(
        name in {"program", "programs", "wave", "waves", "slug"}
    )


def _api_candidates(
    walk: Walk, name: str, kind: str | None, tenant: Tenant | None = None, segment: str = ""
) -> list[str]:
    """Values naming the tenant's objects (Acme's unless told) for a parameter or a field;
    ``segment`` is the word before it in the path ("programs" before {slug})."""
    if name in WORDS:
        return list(WORDS[name])
    word = name.removesuffix("_id").removesuffix("_slug").removesuffix("s")
    named = walk.models_named(word) + walk.models_named(segment)
    if kind == "integer" or name.endswith("_id"):
        ordered = named + [m for m, _l, _f in walk.tables]
        pks = [pk for model in dict.fromkeys(ordered) for pk in walk.pks(model, tenant)]
        return list(dict.fromkeys(pks))
    for model in named:  # "program": a program is named by its slug in the API
        if any(f.name == "slug" for f in model._meta.concrete_fields):
            return [str(v) for v in walk.rows(model, tenant).values_list("slug", flat=True)]
    return walk.values(name, tenant) or walk.values(name.rsplit("_", 1)[-1], tenant)


@dataclass
class Call:
    url: str
    body: Any
    values: dict[str, str]


def _calls(walk: Walk, op: Operation, path_tenant: Tenant | None = None) -> Iterator[Call]:
    """Calls with Acme's ids in the query and the body, and in the path those of
    ``path_tenant``'s objects (Acme's unless told)."""
    query = {
        p["name"]: _api_value(walk, p["name"], p.get("schema", {}))
        for p in op.params("query")
        if p.get("required") or _names_acme(walk, p["name"])
    }
    body = None
    content = op.operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = _api_value(walk, "body", content["application/json"]["schema"])
    choices = []
    for param in op.params("path"):
        segment = op.path.split("{" + param["name"] + "}")[0].rstrip("/").rsplit("/", 1)[-1]
        kind = param.get("schema", {}).get("type")
        found = _api_candidates(walk, param["name"], kind, path_tenant, segment)
        if not found:
            pytest.fail(f"{op.key}: no value for {{{param['name']}}}: add it to WORDS.")
        choices.append([(param["name"], value) for value in found])
    for combination in itertools.islice(itertools.product(*choices), MAX_TRIES):
        values = dict(combination)
        address = op.path.format(**{k: quote(v, safe="") for k, v in values.items()})
        suffix = "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
        yield Call(address + ("?" + suffix if suffix else ""), body, values)


def _api(tenant: Tenant, op: Operation, call: Call) -> Response:
    cache.clear()
    response: Response = getattr(Client(), op.method)(
        call.url,
        data=json.dumps(call.body) if call.body is not None else None,
        content_type="application/json",
        headers={"Authorization": f"Bearer {tenant.raw_token}"},
    )
    return response


def _api_find_for_owner(walk: Walk, op: Operation) -> Call:
    tried = []
    for accepted in (range(200, 300), (400,)):
        for call in _calls(walk, op):
            if op.method == "get":
                response = _api(walk.acme, op, call)
            else:
                response = _rolled_back(lambda call=call: _api(walk.acme, op, call))
            tried.append(response.status_code)
            if response.status_code in accepted:
                return call
    pytest.fail(
        f"{op.key}: Acme's owner got no answer for any of Acme's objects (statuses "
        f"{sorted(set(tried))}). Give Acme the object in tests/tenancy_world.py, or add "
        "the parameter's words to WORDS."
    )


@pytest.mark.parametrize("op", WALKED_API, ids=[o.key for o in WALKED_API])
def test_api_operation(walk: Walk, op: Operation) -> None:
    assert op.operation.get("security"), f"{op.key} takes no token: add it to PUBLIC_API"
    call = _api_find_for_owner(walk, op) if op.params("path") else next(_calls(walk, op))
    before = walk.snapshot()
    response = _api(walk.globex, op, call)
    assert not _shows(response, walk.acme, [call.url, call.body]), (
        f"{op.key}: Acme's data for the outsider"
    )
    if op.params("path"):
        assert response.status_code in {403, 404}, (
            f"{op.key}: the outsider's token on {call.url} (Acme's) gets {response.status_code}"
        )
        missing = {k: MISSING if v.isdigit() else v for k, v in call.values.items()}
        if missing != call.values:
            url = op.path.format(**missing) + call.url[len(urlsplit(call.url).path) :]
            answer = _api(walk.globex, op, Call(url, call.body, missing))
            assert answer.status_code == response.status_code, (
                f"{op.key}: Acme's object answers {response.status_code}, a missing one "
                f"{answer.status_code}: Acme's ids can be told apart"
            )
        # The outsider's own object, with Acme's ids in the query and the body.
        own = next(_calls(walk, op, path_tenant=walk.globex))
        response = _api(walk.globex, op, own)
        assert response.status_code < 500
        assert not _shows(response, walk.acme, [own.url, own.body]), (
            f"{op.key}: Acme's data for the outsider at their own {own.url}"
        )
    else:  # a list, or something of one's own: with Acme's ids in the query, then without
        assert response.status_code < 500
        if op.method == "get" and "?" in call.url:
            plain = _api(walk.globex, op, Call(op.path, None, {}))
            assert plain.status_code < 500
            assert not _shows(plain, walk.acme), f"{op.key}: Acme's data for the outsider"
    assert walk.snapshot() == before, f"{op.key}: the outsider changed Acme's data"


def test_api_lists_show_the_owner_their_own(walk: Walk) -> None:
    """The mark check works on the API too: each side sees its own items, only."""
    for tenant, other in ((walk.acme, walk.globex), (walk.globex, walk.acme)):
        op = Operation("get", "/api/v1/items", {})
        response = _api(tenant, op, Call("/api/v1/items", None, {}))
        assert response.status_code == 200
        assert _shows(response, tenant)
        assert not _shows(response, other)


# --- What the lists leave alone, checked on its own terms ---------------------------------


def test_admin_sends_the_outsider_to_log_in(walk: Walk) -> None:
    response = _client(walk.globex).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = _client(walk.globex).get(f"/admin/programs/program/{walk.acme.program.pk}/change/")
    assert response.status_code == 302
    assert not _shows(response, walk.acme)


def test_tokenised_addresses_refuse_a_wrong_token(walk: Walk) -> None:
    outsider = _client(walk.globex)
    acme = walk.acme
    peer = acme.peer.pk
    before = walk.snapshot()
    issue = Issue.objects.filter(program=acme.program).first()
    assert issue is not None

    assert Client().get("/r/nosuchcode").status_code == 404
    assert outsider.get("/community/calendar/not-a-token.ics").status_code == 404
    # Guessable contents without the signature: Acme's peer, Acme's issue.
    for forged in (f"{peer}.newsletter", f"{peer}.newsletter:forged", "garbage"):
        assert outsider.get(f"/newsletter/unsubscribe/{forged}/").status_code == 404
        assert outsider.post(f"/newsletter/unsubscribe/{forged}/").status_code == 404
    assert outsider.get(f"/newsletter/c/{issue.pk}:forged/").status_code == 404
    assert outsider.get(f"/newsletter/o/{issue.pk}:forged.gif").status_code == 200  # a pixel
    assert not Preference.objects.filter(membership=acme.peer, newsletter=False).exists()
    # Acme's stored image: its key works (for e-mails), the same id with another MAC does not.
    image = walk.rows(ContentImage).get()
    assert Client().get(f"/curation/images/{image_key(image.pk)}").status_code == 200
    assert Client().get(f"/curation/images/{image.pk}-{'0' * 32}").status_code == 404
    assert Client().get(f"/curation/images/{image.pk}").status_code == 404
    # Django's password reset: Acme's owner's id with a made-up token shows no form.
    uid = urlsafe_base64_encode(force_bytes(acme.owner.user.pk))
    page = Client().get(f"/accounts/password/reset/{uid}/made-up-token/", follow=True)
    assert b"new_password1" not in page.content
    assert walk.snapshot() == before


def test_switching_to_another_organization_is_refused(walk: Walk) -> None:
    outsider = _client(walk.globex)
    response = outsider.post("/accounts/organization/", {"organization": walk.acme.organization.pk})
    assert response.status_code == 404
    assert not _shows(outsider.get("/curation/"), walk.acme)


def test_conversions_refuse_another_organizations_click(walk: Walk) -> None:
    """Globex's server, with Globex's secret, reports a conversion on Acme's click."""
    globex = walk.globex.organization
    before = Conversion.objects.count()
    for claimed, secret in (
        (globex.slug, globex.conversion_secret),  # Globex signing for an Acme click
        (walk.acme.organization.slug, globex.conversion_secret),  # Globex pretending
    ):
        body = json.dumps(
            {"click_id": walk.acme.click.click_id, "type": "lead", "external_id": "walk"}
        ).encode()
        stamp = str(int(time.time()))
        signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
        cache.clear()
        response = Client().post(
            "/api/v1/conversions",
            data=body,
            content_type="application/json",
            headers={
                "X-Ambassade-Organization": claimed,
                "X-Ambassade-Timestamp": stamp,
                "X-Ambassade-Signature": "sha256=" + signature.hexdigest(),
            },
        )
        assert response.status_code in {401, 404}, response.content
    assert Conversion.objects.count() == before


# --- The walk can fail: deliberately leaky pages ------------------------------------------


def _leaky_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Reads any organization's item (the classic leak: no scoping)."""
    return HttpResponse(ContentItem.objects.get(pk=pk).title)


def _leaky_write(request: HttpRequest, pk: int) -> HttpResponse:
    """Scoped when it reads, not when it writes."""
    if request.method == "POST":
        ContentItem.objects.filter(pk=pk).update(summary="Changed by anyone")
        return HttpResponseRedirect("/")
    item = get_scoped_or_404(ContentItem.objects.all(), request.organization, pk=pk)  # type: ignore[attr-defined]
    return HttpResponse(item.title)


def _leaky_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse(", ".join(ContentItem.objects.values_list("title", flat=True)))


@pytest.mark.parametrize(
    ("route", "view", "complaint"),
    [
        ("leaky/items/<int:pk>", _leaky_read, "the outsider GETs"),
        ("leaky/items/<int:pk>/edit", _leaky_write, "changed Acme's data"),
        ("leaky/items/", _leaky_list, "Acme's data at"),
    ],
)
def test_the_walk_catches_a_leak(
    walk: Walk, settings: Any, route: str, view: Any, complaint: str
) -> None:
    urlconf = ModuleType("leaky_urls")
    urlconf.urlpatterns = [path(route, view), *get_resolver().url_patterns]  # type: ignore[attr-defined]
    settings.ROOT_URLCONF = urlconf
    with pytest.raises(AssertionError, match=complaint):
        test_page(walk, Route(name="leaky", route=route, app="content", is_regex=False))


def test_the_api_walk_catches_a_leak(walk: Walk, settings: Any) -> None:
    urlconf = ModuleType("leaky_urls")
    urlconf.urlpatterns = [path("leaky/<int:pk>", _leaky_read), *get_resolver().url_patterns]  # type: ignore[attr-defined]
    settings.ROOT_URLCONF = urlconf
    parameter = {"name": "item_id", "in": "path", "schema": {"type": "integer"}}
    op = Operation("get", "/leaky/{item_id}", {"parameters": [parameter], "security": [{}]})
    with pytest.raises(AssertionError, match="for the outsider"):
        test_api_operation(walk, op)


def test_the_snapshot_sees_a_change(walk: Walk) -> None:
    before = walk.snapshot()
    with transaction.atomic():
        ContentItem.objects.filter(pk=walk.acme.item.pk).update(summary="Changed")
        assert walk.snapshot() != before
        transaction.set_rollback(True)
    assert walk.snapshot() == before
