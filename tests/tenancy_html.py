"""Reading a page the way the tenancy walk replays it: its POST forms and its links.

The walk fills each form of the owner's page with every value it offers (every
checkbox ticked, the first real option of each select) and posts it as the
outsider: ids of the owner's organization hidden in a form must not work for
somebody else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    method: str
    action: str
    data: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)


@dataclass
class _Select:
    name: str
    multiple: bool
    options: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: _Select | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
        elif tag == "form":
            self._form = Form(
                method=attr.get("method", "get").lower(), action=attr.get("action", "")
            )
            self.forms.append(self._form)
        elif self._form is None or (not attr.get("name") and tag != "option"):
            return
        elif tag in {"input", "button"}:
            self._input(tag, attr)
        elif tag == "select":
            self._select = _Select(attr["name"], "multiple" in attr)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attr.get("value", ""))
        elif tag == "textarea":
            self._textarea = attr["name"]
            self._text = []

    def _input(self, tag: str, attr: dict[str, str]) -> None:
        assert self._form is not None
        kind = attr.get("type", "submit" if tag == "button" else "text").lower()
        if kind in {"submit", "button", "image", "reset", "file"}:
            return
        name, value = attr["name"], attr.get("value", "on" if kind == "checkbox" else "")
        if kind == "radio" and name in self._form.data:
            return
        self._form.add(name, value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            real = [value for value in self._select.options if value]
            for value in real if self._select.multiple else real[:1]:
                self._form.add(self._select.name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.add(self._textarea, "".join(self._text))
            self._textarea = None


def page_forms_and_links(html: str) -> tuple[list[Form], list[str]]:
    parser = _PageParser()
    parser.feed(html)
    return parser.forms, parser.links
