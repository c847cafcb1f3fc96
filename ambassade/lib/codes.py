from __future__ import annotations

import secrets
import string

BASE62 = string.digits + string.ascii_letters


def random_code(length: int = 10) -> str:
    """An unguessable base62 code: 10 characters give about 59 bits."""
    return "".join(secrets.choice(BASE62) for _ in range(length))
