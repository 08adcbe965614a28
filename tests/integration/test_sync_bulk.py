"""Shopify bulk operations: a first sync of a large shop through a bulk query gives the same workspace as a
paginated sync, later syncs are incremental, and each bulk fault is ridden out or reported plainly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import QuarantinedRecord, SyncCheckpoint
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore
from ecrm_desktop.sync.emulator.faults import Faults
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


def _faulty_bulk_sync(session: UserSession, secrets: SecretStore, store: EmulatedStore,
                      faults: Faults) -> tuple[dict[str, Any], int]:
    with emulator(store, Platform.SHOPIFY, faults) as server:
        connect(session, secrets, server, Platform.SHOPIFY)
        report = run_sync(session, secrets, **BULK)
        return report, server.api.bulk.started  # type: ignore[attr-defined]


@pytest.mark.parametrize(("outcome", "words"), [("FAILED:ACCESS_DENIED", "ended failed (ACCESS_DENIED)"),
                                                ("CANCELED", "ended canceled"),
                                                ("EXPIRED", "kept withdrawing the bulk export")])
def test_a_bulk_operation_that_does_not_complete_is_a_clear_error(
        user_session: UserSession, secrets: SecretStore, outcome: str, words: str) -> None:
    report, started = _faulty_bulk_sync(user_session, secrets, sample_store(8),
                                        Faults(retry_after=0.05, bulk_outcome=outcome))
    assert report["status"] == "failed"
    [error] = report["stores"][0]["errors"]
    assert words in error and error.endswith(".") and "\n" not in error
    assert started == (3 if outcome == "EXPIRED" else 1)  # an expired result is redone, up to twice


def test_a_refused_download_starts_a_new_operation(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(12)
    report, started = _faulty_bulk_sync(user_session, secrets, store, Faults(retry_after=0.05, bulk_refusals=2))
    assert report["status"] == "complete", report
    assert started == 3 + 2
    assert dump(user_session)["orders"] == expected_orders(store)


def test_a_malformed_bulk_line_is_quarantined_and_the_rest_lands(user_session: UserSession,
                                                                 secrets: SecretStore) -> None:
    store = sample_store(12)
    customers_file_lines = [line for c in store.snapshot("customers") for line in (c, *c.addresses)]
    bad = len(customers_file_lines) - 1  # the last line of each result: in the customers' file, an address row
    report, _ = _faulty_bulk_sync(user_session, secrets, store,
                                  Faults(retry_after=0.05, bulk_malformed_lines={0, bad}))
    assert report["status"] == "partial"
    with user_session.workspace.sessions() as s:
        held = s.execute(select(QuarantinedRecord.resource, QuarantinedRecord.reason)).all()
    assert held and all("of the bulk export is" in reason for _, reason in held)
    assert {resource for resource, _ in held} == {"products", "customers", "orders"}
    landed = dump(user_session)
    assert 0 < len(landed["customers"]) < 12 and len(landed["orders"]) < len(store.orders)
