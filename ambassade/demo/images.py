"""The demo's item pictures: small PNG banners drawn here, since the demo has no
internet to fetch images from. One per kind of content and organization, stored
through the content image store like any fetched image."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime

from ambassade.accounts.models import Organization
from ambassade.content.images import content_image_store
from ambassade.content.models import ContentImage, Kind

WIDTH, HEIGHT = 600, 315
Color = tuple[int, int, int]
# (top, bottom, accent) for each kind of content.
PALETTES: dict[str, tuple[Color, Color, Color]] = {
    Kind.EVENT: ((255, 183, 77), (230, 81, 0), (255, 243, 224)),
    Kind.JOB_OFFER: ((129, 199, 132), (27, 94, 32), (232, 245, 233)),
    Kind.AWARD: ((255, 213, 79), (191, 144, 0), (255, 248, 225)),
    Kind.COMPANY_NEWS: ((100, 181, 246), (13, 71, 161), (227, 242, 253)),
    Kind.WHITE_PAPER: ((149, 117, 205), (49, 27, 146), (237, 231, 246)),
    Kind.ANALYSIS: ((77, 182, 172), (0, 77, 64), (224, 242, 241)),
    Kind.SECTOR_NEWS: ((144, 164, 174), (38, 50, 56), (236, 239, 241)),
    Kind.OTHER: ((161, 136, 127), (62, 39, 35), (239, 235, 233)),
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _mix(a: Color, b: Color, t: float) -> Color:
    red, green, blue = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return red, green, blue


def banner_png(top: Color, bottom: Color, accent: Color, *, shift: int = 0) -> bytes:
    """A vertical gradient crossed by a diagonal band: a few kilobytes of PNG."""
    rows: list[bytes] = []
    for y in range(HEIGHT):
        color = _mix(top, bottom, y / (HEIGHT - 1))
        background, band = bytes(color), bytes(_mix(color, accent, 0.35))
        edge = WIDTH // 2 + shift - y
        start = max(0, min(WIDTH, edge))
        end = max(start, min(WIDTH, edge + WIDTH // 5))
        rows.append(
            b"\x00" + background * start + band * (end - start) + background * (WIDTH - end)
        )
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + _chunk(b"IEND", b"")
    )


def demo_images_create(
    *, organization: Organization, domain: str, now: datetime
) -> dict[str, ContentImage]:
    """One stored picture per kind of content for ``organization``."""
    shift = sum(domain.encode()) % 200 - 100  # each organization its own drawing
    return {
        kind: content_image_store(
            organization=organization,
            source_url=f"https://{domain}/media/demo/{kind}.png",
            data=banner_png(*palette, shift=shift),
            now=now,
        )
        for kind, palette in PALETTES.items()
    }
