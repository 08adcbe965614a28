"""HTML mail made safe to show: Ammonia (through `nh3`) keeps formatting and drops everything active.

No scripts, event handlers, styles (so no CSS expressions or remote backgrounds), forms, frames, SVG or MathML;
links keep only web and mail schemes and open nothing by themselves; images keep only `cid:` sources (parts of
the mail itself), so no remote image, tracking pixel or `data:` payload is ever loaded.
"""

from __future__ import annotations

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
               "th": {"colspan", "rowspan"}, "ol": {"start"}}
_SCHEMES = {"http", "https", "mailto", "cid"}
_DROP_WITH_CONTENT = {"script", "style", "title", "head", "svg", "math", "template", "iframe", "object", "noscript"}


def _filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if value.strip().lower().startswith("cid:") else None
    if element == "a" and attribute == "href" and value.strip().lower().startswith("cid:"):
        return None
    return value


def sanitised_html(html: str) -> str:
    """The HTML of a mail body with nothing left that runs, loads or styles itself."""
    return nh3.clean(html, tags=_TAGS, clean_content_tags=_DROP_WITH_CONTENT, attributes=_ATTRIBUTES,
                     url_schemes=_SCHEMES, attribute_filter=_filter, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)
