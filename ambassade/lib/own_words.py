"""How much of a commentary is the ambassador's own words.

The measure: the share of the commentary's words that are not part of the
longest common word subsequence with the closest suggested message. Copying a
suggestion scores 0; writing from scratch scores 1; rewording half scores about
0.5. ``static/js/share.js`` implements the same measure for the live display;
the server's figure is the one recorded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_URL = re.compile(r"https?://\S+")


def words(text: str) -> list[str]:
    text = _URL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).lower()
    return [w.strip("'’-") for w in _WORD.findall(text) if w.strip("'’-")]


def _lcs_length(a: list[str], b: list[str]) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for word in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            if word == other:
                current.append(previous[j - 1] + 1)
            else:
                current.append(max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def own_words_ratio(commentary: str, suggestions: Iterable[str]) -> float:
    """A number from 0 (all borrowed) to 1 (all one's own), rounded to 2 places."""
    mine = words(commentary)
    if not mine:
        return 0.0
    borrowed = max((_lcs_length(mine, words(s)) for s in suggestions), default=0)
    return round(1 - borrowed / len(mine), 2)
