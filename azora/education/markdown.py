"""Lesson Markdown to safe HTML, and lesson videos as embeds from an allow-list of hosts (links otherwise).

Markdown is rendered by markdown-it-py (CommonMark plus tables and strikethrough; raw HTML allowed so that an
instructor may write `<details>` or `<kbd>`), then every byte of the result passes through nh3 with a closed
allow-list: no script, style, event handler, `javascript:` URL or foreign iframe ever reaches a page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import nh3
from markdown_it import MarkdownIt

__all__ = ["VideoEmbed", "render_lesson_markdown", "sanitise_html", "video_embed", "video_html"]

_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "iframe", "img", "kbd", "li",
        "mark", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "iframe": {"src", "title", "allowfullscreen"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "code": {"class"},
}
# Whole elements dropped with their content (nh3 keeps the text of other unknown tags).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "noscript", "template", "object", "embed"})
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

# Hosts whose players may be embedded, mapped to how a watch URL becomes a player URL.
YOUTUBE_HOSTS: frozenset[str] = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"})
VIMEO_HOSTS: frozenset[str] = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
EMBED_PLAYER_PREFIXES: tuple[str, ...] = ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")


@dataclass(frozen=True, slots=True)
class VideoEmbed:
    """A lesson video: `embed_url` is a player on an allowed host, or None (then show `url` as a link)."""

    url: str
    provider: str | None
    embed_url: str | None


def _iframe_src_allowed(element: str, attribute: str, value: str) -> str | None:
    if element == "iframe" and attribute == "src":
        return value if value.startswith(EMBED_PLAYER_PREFIXES) else None
    if element == "code" and attribute == "class":
        # Only the fence's language class (markdown-it writes "language-python"); no styling hooks.
        return value if re.fullmatch(r"language-[A-Za-z0-9_+-]{1,30}", value) else None
    return value


def sanitise_html(fragment: str) -> str:
    """`fragment` with everything outside the allow-list removed (tags kept as text, scripts dropped whole)."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_iframe_src_allowed,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_lesson_markdown(source: str) -> str:
    """Safe HTML for a lesson body written in Markdown."""
    return sanitise_html(_MARKDOWN.render(source))


def video_embed(url: str) -> VideoEmbed | None:
    """How to show the video at `url`: an embeddable player on an allowed host, otherwise a plain link."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host in YOUTUBE_HOSTS:
        if host == "youtu.be":
            video_id = parts.path.lstrip("/")
        elif parts.path.startswith("/embed/"):
            video_id = parts.path.removeprefix("/embed/")
        else:
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        if _YOUTUBE_ID.match(video_id):
            return VideoEmbed(url=url, provider="youtube", embed_url=f"{EMBED_PLAYER_PREFIXES[0]}{video_id}")
    if parts.scheme == "https" and host in VIMEO_HOSTS:
        video_id = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if _VIMEO_ID.match(video_id):
            return VideoEmbed(url=url, provider="vimeo", embed_url=f"{EMBED_PLAYER_PREFIXES[1]}{video_id}")
    return VideoEmbed(url=url, provider=None, embed_url=None)


def video_html(url: str, *, title: str) -> str:
    """A sanitised `<iframe>` for an allowed player, a link for any other video, "" without a video."""
    embed = video_embed(url)
    if embed is None:
        return ""
    label = html.escape(title, quote=True)
    if embed.embed_url:
        raw = f'<iframe src="{html.escape(embed.embed_url, quote=True)}" title="{label}" allowfullscreen></iframe>'
    else:
        raw = f'<p><a href="{html.escape(embed.url, quote=True)}">{label}</a></p>'
    return sanitise_html(raw)
