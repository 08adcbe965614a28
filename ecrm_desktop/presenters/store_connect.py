"""The connect-a-store dialog: check the connection (shop, currency, access scopes), then save the store.

Both steps talk to the store over the network, so they run on the sync worker; a refusal (wrong token, missing
scopes, an unreachable address) is shown in the dialog, not in the main window's banner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.sync_status import ConnectionCheck, StoreInfo
from ecrm_desktop.presenters.tasks import Runner, TaskState


@dataclass(frozen=True)
class StoreForm:
    """What the person typed: `secret` is the Shopify access token, the WooCommerce consumer secret or the Vendure
    administrator's password; `key` the WooCommerce consumer key or the Vendure administrator's user name."""

    platform: Platform
    name: str
    url: str
    secret: str
    key: str = ""


class StoreConnector(Protocol):
    """What the dialog needs of `services.stores.StoreService`."""

    def check(self, platform: Platform, url: str, secret: str, key: str = "") -> ConnectionCheck: ...

    def add_shopify(self, name: str, shop_url: str, token: str) -> StoreInfo: ...

    def add_woocommerce(self, name: str, url: str, key: str, secret: str) -> StoreInfo: ...

    def add_vendure(self, name: str, url: str, user: str, password: str) -> StoreInfo: ...


class StoreDialogView(Protocol):
    def show_busy(self, busy: bool) -> None: ...

    def show_check(self, check: ConnectionCheck) -> None: ...

    def show_problem(self, message: str) -> None: ...

    def close_connected(self, store: StoreInfo) -> None: ...


class ConnectStorePresenter:
    def __init__(self, view: StoreDialogView, stores: StoreConnector, runner: Runner,
                 connected: Callable[[StoreInfo], None]) -> None:
        self.view, self.stores, self.runner, self.connected = view, stores, runner, connected

    def check(self, form: StoreForm) -> None:
        """Ask the store who it is and which scopes the credentials grant; nothing is saved."""
        def job(_s: TaskState) -> ConnectionCheck | str:
            try:
                return self.stores.check(form.platform, form.url, form.secret, form.key)
            except EcrmError as exc:
                return str(exc)

        self._submit(job, self._checked, "Checking the connection")

    def connect(self, form: StoreForm) -> None:
        """Check again, then save the store and its secret (keyring, or the encrypted database)."""
        def job(_s: TaskState) -> StoreInfo | str:
            try:
                if form.platform is Platform.SHOPIFY:
                    return self.stores.add_shopify(form.name, form.url, form.secret)
                if form.platform is Platform.VENDURE:
                    return self.stores.add_vendure(form.name, form.url, form.key, form.secret)
                return self.stores.add_woocommerce(form.name, form.url, form.key, form.secret)
            except EcrmError as exc:
                return str(exc)

        self._submit(job, self._added, "Connecting the store")

    def _submit(self, job: Callable[[TaskState], object], done: Callable[[object], None], label: str) -> None:
        self.view.show_busy(True)
        self.runner.submit(job, done, label)

    def _checked(self, result: object) -> None:
        self.view.show_busy(False)
        if isinstance(result, ConnectionCheck):
            self.view.show_check(result)
        else:
            self.view.show_problem(str(result))

    def _added(self, result: object) -> None:
        self.view.show_busy(False)
        if isinstance(result, StoreInfo):
            self.connected(result)
            self.view.close_connected(result)
        else:
            self.view.show_problem(str(result))
