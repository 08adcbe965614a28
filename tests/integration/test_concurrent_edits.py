"""A person edits a customer (notes, ecrm tags) while a sync rewrites the same customer: both edits survive."""

from __future__ import annotations

import threading

from sqlalchemy import select

from ecrm_desktop.domain.enums import Platform, TagSource
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import CustomerIdentity
from tests.sync_support import connect, emulator, run_sync, sample_store


def test_notes_and_tags_added_during_a_sync_of_the_same_customer_survive_it(
        user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(30)
    with emulator(store, Platform.SHOPIFY) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        assert run_sync(user_session, secrets)["status"] == "complete"
        with user_session.workspace.sessions() as s:
            target = s.execute(select(CustomerIdentity.customer_id)
                               .where(CustomerIdentity.external_id == "1005")).scalar_one()
        for ext in store.customers:  # every customer changes in the store, so the next sync rewrites them all
            store.change("customers", ext, last_name="Renamed", tags=("VIP", "Wholesale"))
        profiles = CustomerProfileService(user_session)
        stop, written = threading.Event(), []

        def edit_while_syncing() -> None:  # the GUI's worker thread, with its own database connection
            while not stop.is_set():
                written.append(profiles.add_note(target, f"call {len(written)}"))
                profiles.set_tags(target, [f"edit-{len(written)}"])

        server.api.faults.latency = 0.02  # type: ignore[attr-defined]  # long enough for edits to interleave
        editor = threading.Thread(target=edit_while_syncing)
        editor.start()
        try:
            report = run_sync(user_session, secrets, page_size=5)
        finally:
            stop.set()
            editor.join()
    assert report["status"] == "complete" and report["stores"][0]["updated"] >= 30
    assert len(written) > 5, "the edits did not overlap the sync"
    final = profiles.profile(target)
    assert final.last_name == "Renamed"
    assert sorted(n.id for n in final.notes) == sorted(written)
    assert {(t.name, t.source) for t in final.tags} == {
        ("VIP", TagSource.STORE), ("Wholesale", TagSource.STORE), (f"edit-{len(written)}", TagSource.ECRM)}

