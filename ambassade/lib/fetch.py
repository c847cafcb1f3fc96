"""A safe HTTP fetcher for feeds and link previews (stdlib only).

Every hop of a fetch is checked against server-side request forgery: the host is
resolved once, every address it resolves to must be public, and the connection
goes to that very address (with the name in the Host header and the TLS SNI), so
that a DNS answer cannot change between the check and the connection. Timeouts,
a size limit enforced while streaming (also on decompressed bytes), a redirect
limit and conditional GET (ETag / Last-Modified) come with it.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MESSAGES: dict[str, Promise] = {
    "scheme": _("Only http:// and https:// addresses can be fetched"),
    "bad_address": _("Invalid address"),
    "not_allowed": _("Address not allowed"),
    "dns": _("Host not found"),
    "connection": _("Connection failed"),
    "timeout": _("Timed out"),
    "too_large": _("Too large"),
    "too_many_redirects": _("Too many redirects"),
    "bad_redirect": _("Invalid redirect"),
    "decode": _("Could not decode the response"),
    "tls": _("Secure connection failed"),
    "http": _("HTTP %(status)d"),
}


class FetchError(Exception):
    """A fetch that failed; ``str(error)`` is a user-facing, translated message.

    ``code`` and ``params`` let a caller store the error and translate it again
    later, in the reader's language (see :func:`describe_error`).
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(describe_error(code, params))


def describe_error(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message of an error ``code`` in the active language."""
    message = MESSAGES.get(code)
    if message is None:
        return code
    text = str(message)
    return text % dict(params) if params and "%(" in text else text


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    etag: str = ""
    last_modified: str = ""
    redirects: tuple[str, ...] = field(default=())

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _sep, value = part.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip('"').lower()
        return ""


@cache
def user_agent() -> str:
    try:
        version = metadata.version("ambassade")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"Ambassade/{version} (+{settings.AMBASSADE_BASE_URL})"


def is_public_address(address: IPAddress) -> bool:
    """True for an address on the public internet (IPv4-mapped IPv6 is unwrapped)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        if address.sixtofour is not None:
            return is_public_address(address.sixtofour)
        if address.teredo is not None:
            return is_public_address(address.teredo[1])
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _allow_private() -> bool:
    return bool(getattr(settings, "AMBASSADE_FETCH_ALLOW_PRIVATE", False))


def resolve(host: str, port: int) -> str:
    """The address to connect to, after checking every address ``host`` resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("dns") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%")[0]
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise FetchError("dns")
    if not _allow_private():
        for text in addresses:
            if not is_public_address(ipaddress.ip_address(text)):
                raise FetchError("not_allowed")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand, whatever the host name says."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._ssl_context = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self.host)


class _Decoder:
    """Decodes gzip / deflate bodies without ever holding more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.encoding = encoding
        self._zlib: Any = None
        self._first = True
        if encoding in {"gzip", "x-gzip"}:
            self._zlib = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        if self.encoding in {"deflate"} and self._first:
            # "deflate" is zlib-wrapped by the standard, raw by some servers.
            self._first = False
            wbits = zlib.MAX_WBITS if data[:1] and (data[0] & 0x0F) == 8 else -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits=wbits)
        if self._zlib is None:
            return self._count(data)
        try:
            out = self._zlib.decompress(data, self.limit - self.size + 1)
        except zlib.error as exc:
            raise FetchError("decode") from exc
        if self._zlib.unconsumed_tail:
            raise FetchError("too_large")
        return self._count(out)

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._count(self._zlib.flush())
        except zlib.error as exc:
            raise FetchError("decode") from exc

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError("too_large")
        return data


def _connection(
    scheme: str, host: str, port: int, address: str, timeout: float
) -> http.client.HTTPConnection:
    if scheme == "https":
        return _PinnedHTTPSConnection(
            host, port, address=address, timeout=timeout, context=ssl.create_default_context()
        )
    return _PinnedHTTPConnection(host, port, address=address, timeout=timeout)


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad_address") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError("scheme")
    host = parts.hostname or ""
    if not host:
        raise FetchError("bad_address")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    default = 443 if scheme == "https" else 80
    return name if port == default else f"{name}:{port}"


def _read_body(response: http.client.HTTPResponse, *, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError("too_large")
    encoding = (response.getheader("content-encoding") or "").strip().lower()
    decoder = _Decoder(encoding, max_bytes)
    raw_limit = max_bytes * 2 if decoder._zlib is not None or encoding == "deflate" else max_bytes
    raw_size = 0
    chunks: list[bytes] = []
    while True:
        if time.monotonic() > deadline:
            raise FetchError("timeout")
        data = (
            response.read1(CHUNK_SIZE) if hasattr(response, "read1") else response.read(CHUNK_SIZE)
        )
        if not data:
            break
        raw_size += len(data)
        if raw_size > raw_limit:
            raise FetchError("too_large")
        chunks.append(decoder.feed(data))
    chunks.append(decoder.flush())
    return b"".join(chunks)


def fetch(
    url: str,
    *,
    max_bytes: int = 5_000_000,
    timeout: float = 10.0,
    max_redirects: int = 5,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
) -> FetchResult:
    """GET ``url`` safely. Raises :class:`FetchError` with a user-facing message.

    ``timeout`` bounds each network operation and the whole fetch, redirects included.
    """
    deadline = time.monotonic() + timeout * 2
    redirects: list[str] = []
    current = url.strip()
    while True:
        scheme, host, port, path = _split(current)
        address = resolve(host, port)
        headers = {
            "Host": _host_header(host, port, scheme),
            "User-Agent": user_agent(),
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        connection = _connection(scheme, host, port, address, timeout)
        try:
            try:
                connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
                for name, value in headers.items():
                    connection.putheader(name, value)
                connection.endheaders()
                response = connection.getresponse()
                status = response.status
                response_headers = {name.lower(): value for name, value in response.getheaders()}
                if status in REDIRECT_STATUSES and response_headers.get("location"):
                    if len(redirects) >= max_redirects:
                        raise FetchError("too_many_redirects")
                    redirects.append(current)
                    current = urljoin(current, response_headers["location"].strip())
                    continue
                if status == 304:
                    return FetchResult(
                        url=current,
                        status=304,
                        headers=response_headers,
                        content=b"",
                        etag=response_headers.get("etag", etag),
                        last_modified=response_headers.get("last-modified", last_modified),
                        redirects=tuple(redirects),
                    )
                if not 200 <= status < 300:
                    raise FetchError("http", status=status)
                content = _read_body(response, max_bytes=max_bytes, deadline=deadline)
            except FetchError:
                raise
            except TimeoutError as exc:
                raise FetchError("timeout") from exc
            except ssl.SSLError as exc:
                raise FetchError("tls") from exc
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError("connection") from exc
        finally:
            connection.close()
        return FetchResult(
            url=current,
            status=status,
            headers=response_headers,
            content=content,
            etag=response_headers.get("etag", ""),
            last_modified=response_headers.get("last-modified", ""),
            redirects=tuple(redirects),
        )
