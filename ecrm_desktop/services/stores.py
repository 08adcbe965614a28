"""Connecting stores: the service behind `ecrm stores add|list` and the connection screen.

Non-secret settings go to the `stores` table; the access token (Shopify), consumer secret (WooCommerce) or
administrator password (Vendure) goes to the OS keyring, or, where there is none, to the encrypted workspace
database, and the caller is told which.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.errors import EcrmError, NotFound, UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.sync_status import ConnectionCheck, StoreInfo
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import Setting, Store, SyncRun
from ecrm_desktop.sync.connectors import make_connector
from ecrm_desktop.sync.errors import MissingScopes
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.sync.pages import ConnectionInfo, Connector
from ecrm_desktop.sync.shopify_queries import API_VERSION
from ecrm_desktop.sync.urls import store_base_url

__all__ = ["DATABASE", "KEYRING", "StoreInfo", "StoreService", "store_named"]

KEYRING, DATABASE = "keyring", "database"
NO_KEYRING_NOTICE = ("No system keyring is available, so the store's secret is kept in the encrypted workspace "
                     "database instead.")


class StoreService:
    def __init__(self, session: UserSession, secrets: SecretStore | None = None,
                 http: HttpOptions | None = None) -> None:
        self.session = session
        self.secrets = secrets or SecretStore()
        self.http = http

    def add_shopify(self, name: str, shop_url: str, token: str, api_version: str = API_VERSION) -> StoreInfo:
        """Check the connection (and the access scopes the sync needs), then save the store."""
        return self._add(name, Platform.SHOPIFY, shop_url, {"api_version": api_version}, token)

    def add_woocommerce(self, name: str, url: str, key: str, secret: str) -> StoreInfo:
        require(self.session, Operation.MANAGE_STORES)  # before checking what was typed: refusals say why first
        if not key.strip():
            raise UsageError("A WooCommerce store needs its consumer key (--key).")
        return self._add(name, Platform.WOOCOMMERCE, url, {"key": key.strip()}, secret)

    def add_vendure(self, name: str, url: str, user: str, password: str) -> StoreInfo:
        """A Vendure store is read through its Admin API as an administrator (`user`, `password`)."""
        require(self.session, Operation.MANAGE_STORES)
        if not user.strip():
            raise UsageError("A Vendure store needs the user name of an administrator (--user).")
        return self._add(name, Platform.VENDURE, url, {"user": user.strip()}, password)

    def check(self, platform: Platform, url: str, secret: str, key: str = "") -> ConnectionCheck:
        """Ask the store who it is and which access scopes the credentials grant, without saving anything.
        `key` is the WooCommerce consumer key or the Vendure administrator's user name."""
        require(self.session, Operation.MANAGE_STORES)
        settings = ({"key": key.strip()} if platform is Platform.WOOCOMMERCE else
                    {"user": key.strip()} if platform is Platform.VENDURE else {})
        info = self._check(platform, store_base_url(url), settings, secret.strip())
        return ConnectionCheck(info.shop_name, info.currency.upper(), tuple(info.granted_scopes),
                               tuple(info.missing_scopes))

    def disconnect(self, name: str) -> None:
        """Forget a store's secret so it is no longer synced; what it synced stays in the workspace."""
        require(self.session, Operation.MANAGE_STORES)
        with self.session.workspace.sessions() as s, s.begin():
            store = store_named(s, name)
            settings = json.loads(store.settings_json or "{}")
            self.secrets.delete(self._secret_name(store.id))
            held = s.get(Setting, _setting_key(store.id))
            if held is not None:
                s.delete(held)
            store.settings_json = json.dumps({k: v for k, v in settings.items() if k != "secret_in"})
            audit.append(s, self.session.user_name, "store.disconnect", "store", store.id, name=store.name)

    def list(self) -> list[StoreInfo]:
        """Every connected store with its last sync (time and status)."""
        require(self.session, Operation.SYNC)
        with self.session.workspace.sessions() as s:
            return [self._info(s, store) for store in s.execute(select(Store).order_by(Store.name)).scalars()
                    if _connected(store)]

    def connector(self, store: Store) -> Connector:
        """The connector for a connected store, with its secret (for the sync service)."""
        require(self.session, Operation.SYNC)
        settings = json.loads(store.settings_json or "{}")
        return make_connector(store.platform, store.url or "", settings, self._secret(store, settings),
                              currency=store.currency, options=self.http)

    def _add(self, name: str, platform: Platform, url: str, settings: dict[str, Any], secret: str) -> StoreInfo:
        require(self.session, Operation.MANAGE_STORES)
        name = name.strip()
        if not name or len(name) > 200:
            raise UsageError("A store needs a name of 1 to 200 characters (--name).")
        if not secret.strip():
            raise UsageError("The store's secret is empty; set it in the environment variable or at the prompt.")
        base = store_base_url(url)
        with self.session.workspace.sessions() as s:
            held = s.execute(select(Store).where(Store.name == name)).scalar()
            if held is not None and (_connected(held) or held.platform is not platform):
                raise UsageError(f"A store named {name!r} already exists; choose another name.")
        info = self._check(platform, base, settings, secret.strip())
        if info.missing_scopes and platform is Platform.VENDURE:
            raise MissingScopes(list(info.missing_scopes), "The Vendure administrator lacks these permissions",
                                "give them to the administrator's role and connect again")
        if info.missing_scopes:
            raise MissingScopes(list(info.missing_scopes))
        notices: list[str] = []
        with self.session.workspace.sessions() as s, s.begin():
            # a store disconnected earlier is connected again under its name, keeping what it synced
            store = s.execute(select(Store).where(Store.name == name)).scalar() or Store(name=name, platform=platform)
            store.url, store.currency = base, info.currency.upper()
            s.add(store)
            s.flush()
            problem = self.secrets.set(self._secret_name(store.id), secret.strip())
            location = KEYRING if problem is None else DATABASE
            if problem is not None:
                s.add(Setting(key=_setting_key(store.id), value_json=json.dumps(secret.strip())))
                notices.append(NO_KEYRING_NOTICE)
            store.settings_json = json.dumps({**settings, "secret_in": location})
            audit.append(s, self.session.user_name, "store.add", "store", store.id, name=name,
                         platform=platform.value, url=base, secret_in=location)
            result = self._info(s, store)
        return StoreInfo(**{**result.__dict__, "notices": tuple(notices)})

    def _check(self, platform: Platform, base: str, settings: dict[str, Any], secret: str) -> ConnectionInfo:
        connector = make_connector(platform, base, settings, secret, options=self.http)
        try:
            return connector.check()
        finally:
            connector.close()

    def _secret(self, store: Store, settings: dict[str, Any]) -> str:
        if settings.get("secret_in") == DATABASE:
            with self.session.workspace.sessions() as s:
                value = s.execute(select(Setting.value_json).where(Setting.key == _setting_key(store.id))).scalar()
            secret = json.loads(value) if value else None
        else:
            secret = self.secrets.get(self._secret_name(store.id))
        if not secret:
            raise EcrmError(f"The secret of store {store.name!r} is not in the {settings.get('secret_in', KEYRING)}; "
                            "connect the store again with 'ecrm stores add'.")
        return str(secret)

    def _info(self, s: Session, store: Store) -> StoreInfo:
        last = s.execute(select(SyncRun.status).where(SyncRun.store_id == store.id)
                         .order_by(SyncRun.id.desc()).limit(1)).scalar()
        return StoreInfo(store.id, store.name, store.platform, store.url, store.currency,
                         json.loads(store.settings_json or "{}").get("secret_in", KEYRING), store.last_sync_at, last)

    def _secret_name(self, store_id: int) -> str:
        return f"store-secret:{self.session.workspace.workspace_id}:{store_id}"


def _connected(store: Store) -> bool:
    return bool(json.loads(store.settings_json or "{}").get("secret_in"))


def _setting_key(store_id: int) -> str:
    return f"store-secret:{store_id}"


def store_named(s: Session, name: str) -> Store:
    store = s.execute(select(Store).where(Store.name == name)).scalar()
    if store is None:
        raise NotFound(f"There is no store named {name!r}; 'ecrm stores list' shows the connected ones.")
    return store
