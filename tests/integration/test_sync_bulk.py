"""Shopify bulk operations: a first sync of a large shop through a bulk query gives the same workspace as a
paginated sync, later syncs are incremental, and each bulk fault is ridden out or reported plainly."""

from __future__ import annotations

import json
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
from ecrm_desktop.sync.emulator.shopify_api import ShopifyApi
from ecrm_desktop.sync.emulator.shopify_bulk_api import flatten
from ecrm_desktop.sync.pages import Checkpoint
from ecrm_desktop.sync.shopify_bulk import groups
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


def test_reading_a_bulk_result_from_any_record_boundary_gives_the_rest_of_it() -> None:
    """What a resumed sync reads from a checkpoint's line is exactly what an uninterrupted read had left."""
    lines = [json.dumps(line) for o in ShopifyApi(sample_store(10)).render_all("orders") for line in flatten(o)]
    whole = list(groups(enumerate(lines)))
    assert [g.payload for g in whole] == ShopifyApi(sample_store(10)).render_all("orders")
    for i, group in enumerate(whole):
        rest = list(groups((n, line) for n, line in enumerate(lines) if n >= group.start))
        assert [(g.start, g.end, g.payload) for g in rest] == [(g.start, g.end, g.payload) for g in whole[i:]]


def test_a_nested_row_without_its_record_is_a_problem_of_the_record_it_falls_in() -> None:
    rows = [{"id": "gid://shopify/Product/1", "title": "A"},
            {"id": "gid://shopify/ProductVariant/11", "__parentId": "gid://shopify/Product/1"},
            {"id": "gid://shopify/ProductVariant/21", "__parentId": "gid://shopify/Product/2"},
            {"id": "gid://shopify/Product/3", "title": "C"}]
    first, second = groups(enumerate([json.dumps(r) for r in rows]))
    assert (first.start, first.end, second.start, second.end) == (0, 3, 3, 4)
    assert first.payload == {"id": "gid://shopify/Product/1", "title": "A",
                             "variants": {"nodes": [{"id": "gid://shopify/ProductVariant/11"}]}}
    [orphan] = first.problems
    assert orphan.external_id == "21" and "could not be read" in orphan.reason


def test_a_download_cut_off_half_way_resumes_on_the_line_it_stopped_at(user_session: UserSession,
                                                                         secrets: SecretStore) -> None:
    store = sample_store(12)
    faults = Faults(retry_after=0.05, bulk_drops=2)
    with emulator(store, Platform.SHOPIFY, faults) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        report = run_sync(user_session, secrets, **BULK)
        assert report["status"] == "complete", report
        assert (server.api.bulk.started, server.api.bulk.downloads) == (3, 5)  # type: ignore[attr-defined]
    assert dump(user_session)["orders"] == expected_orders(store)
    assert report["stores"][0]["updated"] == 0  # no line read twice
