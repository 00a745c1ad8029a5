"""Lesson Markdown becomes safe HTML, and lesson videos embed only from allowed hosts."""

from __future__ import annotations

import pytest

from azora.education.markdown import render_lesson_markdown, sanitise_html, video_embed, video_html


def test_markdown_renders_headings_emphasis_lists_tables_and_code() -> None:
    source = "# Budget\n\nSpend **less** than you *earn*.\n\n- save\n- invest\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert render_lesson_markdown(source) == (
        "<h1>Budget</h1>\n<p>Spend <strong>less</strong> than you <em>earn</em>.</p>\n<ul>\n<li>save</li>\n"
        "<li>invest</li>\n</ul>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n"
        "<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n"
    )


def test_script_tags_are_removed_with_their_content() -> None:
    assert render_lesson_markdown("Hello\n\n<script>alert('x')</script>\n\nBye") == "<p>Hello</p>\n\n<p>Bye</p>\n"


def test_event_handlers_and_javascript_urls_never_survive() -> None:
    source = '<img src="cat.png" onerror="alert(1)"> <a href="javascript:alert(1)" onclick="x()">go</a>'
    assert render_lesson_markdown(source) == '<p><img src="cat.png"> <a rel="noopener noreferrer nofollow">go</a></p>\n'


def test_markdown_links_with_javascript_urls_are_not_links() -> None:
    assert render_lesson_markdown("[click](javascript:alert(1))") == "<p>[click](javascript:alert(1))</p>\n"


def test_style_svg_and_foreign_iframes_are_removed() -> None:
    source = '<style>body{}</style><svg onload="x()"><circle/></svg><iframe src="https://evil.example/x"></iframe>'
    assert render_lesson_markdown(source) == "<iframe></iframe>"


def test_an_iframe_of_an_allowed_player_keeps_its_source() -> None:
    html = '<iframe src="https://www.youtube-nocookie.com/embed/abcdefgh" onload="x()" title="Intro"></iframe>'
    assert (
        sanitise_html(html) == '<iframe src="https://www.youtube-nocookie.com/embed/abcdefgh" title="Intro"></iframe>'
    )


def test_code_fences_keep_only_a_language_class() -> None:
    assert render_lesson_markdown("```python\nprint(1)\n```") == (
        '<pre><code class="language-python">print(1)\n</code></pre>\n'
    )
    assert sanitise_html('<code class="evil big">x</code>') == "<code>x</code>"


@pytest.mark.parametrize(
    ("url", "provider", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871"),
        ("https://videos.example.org/intro.mp4", None, None),
        ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", None, None),
        ("https://www.youtube.com/watch?v=<script>", None, None),
    ],
)
def test_video_urls_embed_only_from_allowed_hosts(url: str, provider: str | None, embed: str | None) -> None:
    view = video_embed(url)
    assert view is not None
    assert (view.provider, view.embed_url) == (provider, embed)


def test_video_html_is_an_iframe_for_allowed_hosts_and_a_link_otherwise() -> None:
    assert video_html("https://youtu.be/dQw4w9WgXcQ", title='Say "hi"') == (
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Say &quot;hi&quot;"'
        ' allowfullscreen=""></iframe>'
    )
    assert video_html("https://videos.example.org/a.mp4?x=1&y=2", title="Watch") == (
        '<p><a href="https://videos.example.org/a.mp4?x=1&amp;y=2" rel="noopener noreferrer nofollow">Watch</a></p>'
    )
    assert video_html("", title="None") == ""
    assert video_embed("  ") is None
