"""Shopify bulk operations: a first sync of a large shop through a bulk query gives the same workspace as a
paginated sync, later syncs are incremental, and each bulk fault is ridden out or reported plainly."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import SyncCheckpoint
from ecrm_desktop.sync.pages import Checkpoint
from tests.conftest import PASSWORD
from tests.sync_support import connect, dump, emulator, expected_orders, run_sync, sample_store

BULK = {"bulk_threshold": 1, "page_size": 7}


def test_bulk_first_sync_equals_a_paginated_sync(tmp_path: Path, workspace_service: WorkspaceService,
                                                 user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(30)
    with emulator(store, Platform.SHOPIFY) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        report = run_sync(user_session, secrets, **BULK)
        assert report["status"] == "complete", report
        assert server.api.bulk.downloads == 3  # type: ignore[attr-defined]  # products, customers, orders
        bulk = dump(user_session)
        assert bulk["orders"] == expected_orders(store)
        with user_session.workspace.sessions() as s:
            cursors = [Checkpoint.loads(c) for c in s.execute(select(SyncCheckpoint.cursor)).scalars()]
        assert all(c.position is None and c.since is not None for c in cursors)

        store.change("customers", "1004", first_name="Later")
        again = run_sync(user_session, secrets, **BULK)["stores"][0]
        assert again["errors"] == [] and 1 <= again["updated"] <= 5
        assert server.api.bulk.downloads == 3  # type: ignore[attr-defined]  # later syncs page through changes
        assert any(r[2] == "Later" for r in dump(user_session)["customers"])

    paginated = workspace_service.create(tmp_path / "paginated", "admin", PASSWORD)
    try:
        with emulator(sample_store(30), Platform.SHOPIFY) as server:
            connect(paginated, secrets, server, Platform.SHOPIFY)
            assert run_sync(paginated, secrets, page_size=7)["status"] == "complete"
            assert server.api.bulk.downloads == 0  # type: ignore[attr-defined]
        assert dump(paginated) == bulk
    finally:
        paginated.close()
