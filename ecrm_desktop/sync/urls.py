"""Store addresses: HTTPS for real stores, plain HTTP only on this computer's loopback interface."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ecrm_desktop.sync.errors import InsecureStoreUrl


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def store_base_url(url: str) -> str:
    """The normalised base URL (scheme, host, port, path without a trailing slash), or `InsecureStoreUrl`."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if not host or parts.scheme not in ("https", "http") or parts.query or parts.username or parts.password:
        raise InsecureStoreUrl(f"{url!r} is not a store address; give it as https://shop.example.com.")
    if parts.scheme == "http" and not is_loopback(host):
        raise InsecureStoreUrl(f"{url!r} uses plain http; real stores must be reached over https "
                               "(plain http is accepted only for 127.0.0.1 and localhost).")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
