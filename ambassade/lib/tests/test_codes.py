from __future__ import annotations

from ambassade.lib.codes import BASE62, random_code


def test_codes_are_base62_and_long_enough() -> None:
    codes = {random_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) >= 8 and set(code) <= set(BASE62) for code in codes)
