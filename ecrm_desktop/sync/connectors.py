"""Building the connector for a connected store from its non-secret settings and its secret."""

from __future__ import annotations

from typing import Any

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.sync.errors import SyncError
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.sync.pages import Connector
from ecrm_desktop.sync.shopify import ShopifyConnector
from ecrm_desktop.sync.shopify_queries import API_VERSION
from ecrm_desktop.sync.urls import store_base_url
from ecrm_desktop.sync.vendure import VendureConnector
from ecrm_desktop.sync.woocommerce import WooCommerceConnector


def make_connector(platform: Platform, url: str, settings: dict[str, Any], secret: str, *, currency: str = "USD",
                   options: HttpOptions | None = None) -> Connector:
    """`settings` holds what is not secret (`api_version` for Shopify, the consumer `key` for WooCommerce, the
    administrator's `user` name for Vendure)."""
    base = store_base_url(url)
    if platform is Platform.SHOPIFY:
        return ShopifyConnector(base, secret, currency=currency, options=options,
                                api_version=str(settings.get("api_version") or API_VERSION))
    if platform is Platform.WOOCOMMERCE:
        return WooCommerceConnector(base, str(settings.get("key") or ""), secret, currency=currency, options=options)
    if platform is Platform.VENDURE:
        return VendureConnector(base, str(settings.get("user") or ""), secret, currency=currency, options=options)
    raise SyncError(f"ecrm cannot sync {platform.value} stores yet.")
