from __future__ import annotations

from ambassade.training.rendering import render_markdown


def test_markdown_is_rendered_with_images_and_links() -> None:
    html = render_markdown(
        "## Title\n\n**bold** [site](https://example.com) ![chart](https://example.com/c.png)"
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    # A third-party image is not loaded: it becomes a link to it.
    assert "<img" not in html
    assert (
        '<a href="https://example.com/c.png" rel="noopener noreferrer nofollow">chart</a>' in html
    )


def test_images_from_our_own_origin_are_shown() -> None:
    html = render_markdown("![a](/curation/images/1-abc) ![b](http://testserver/static/b.png)")
    assert '<img alt="a" src="/curation/images/1-abc">' in html
    assert '<img alt="b" src="http://testserver/static/b.png">' in html


def test_images_of_other_pages_of_ours_are_not_shown() -> None:
    html = render_markdown("![a](/accounts/logout/) ![b](/static/../accounts/logout/)")
    assert "<img" not in html
    assert "logout" in html  # as links, for the author to notice


def test_scripts_frames_and_event_handlers_are_removed() -> None:
    html = render_markdown(
        "hi <script>alert(1)</script><iframe src='https://evil.example'></iframe>"
        "<a href='https://e.example' onclick='steal()'>x</a><img src='https://e.example/a.png' onerror='x()'>"
        "<style>body{}</style><form action='/x'><input></form>"
    )
    assert "script" not in html
    assert "alert" not in html
    assert "iframe" not in html
    assert "onclick" not in html
    assert "onerror" not in html
    assert "<style" not in html
    assert "<form" not in html
    assert "<input" not in html
    assert 'href="https://e.example"' in html


def test_only_safe_images_and_links_survive() -> None:
    html = render_markdown(
        "![a](javascript:alert(1)) ![b](data:image/png;base64,AAAA) ![c](//evil.example/c.png) "
        "[l](javascript:alert(1)) [m](mailto:team@example.com) ![d](http://example.com/d.png)"
    )
    assert "javascript" not in html
    assert "data:" not in html
    assert 'src="//evil.example' not in html  # a link at most, never loaded
    assert 'href="mailto:team@example.com"' in html
    assert 'src="http://example.com/d.png"' not in html
    assert 'href="http://example.com/d.png"' in html
