"""The public API, /api/v1/: one NinjaAPI, each app adds its router."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Ambassade API",
    version="1",
    description="Employee advocacy: content items, shares and their clicks.",
    urls_namespace="api",
)
