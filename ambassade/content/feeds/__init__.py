"""Feeds: read RSS, Atom and JSON Feed sources into content items, without duplicates."""
