"""Resuming: a sync interrupted at any page (an exception after the page was written but before it committed)
and then run again holds exactly what an uninterrupted sync holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.sync import runner
from tests.conftest import PASSWORD
from tests.sync_support import connect, dump, emulator, run_sync, sample_store


class Crash(Exception):
    pass


@pytest.mark.parametrize(("platform", "bulk_threshold"), [(Platform.SHOPIFY, 10**9), (Platform.SHOPIFY, 1),
                                                         (Platform.WOOCOMMERCE, 10**9)],
                         ids=["shopify", "shopify-bulk", "woocommerce"])
def test_resume_after_crashes_equals_an_uninterrupted_run(
        tmp_path: Path, user_session: UserSession, workspace_service: WorkspaceService, secrets: SecretStore,
        monkeypatch: pytest.MonkeyPatch, platform: Platform, bulk_threshold: int) -> None:
    """With a bulk threshold of 1, Shopify's first sync reads bulk results and resumes inside them."""
    store = sample_store(14)
    with emulator(store, platform) as server:
        connect(user_session, secrets, server, platform)
        assert run_sync(user_session, secrets, page_size=6)["status"] == "complete"
        reference = dump(user_session)

        other = workspace_service.create(tmp_path / "interrupted", "admin", PASSWORD)
        try:
            connect(other, secrets, server, platform)
            real_upsert = runner._upsert
            writes = 0
            crash_at = {2, 3, 7, 11}  # page writes that crash (the 3rd right after the 2nd's resume)

            def crashing_upsert(*args: Any) -> tuple[int, int]:
                nonlocal writes
                result = real_upsert(*args)
                writes += 1
                if writes in crash_at:
                    raise Crash
                return result

            monkeypatch.setattr(runner, "_upsert", crashing_upsert)
            statuses = [run_sync(other, secrets, page_size=6, bulk_threshold=bulk_threshold)["status"]
                        for _ in range(len(crash_at) + 1)]
            assert statuses == ["failed"] * len(crash_at) + ["complete"]
            assert dump(other) == reference
            if bulk_threshold == 1:  # resumed inside the bulk results: at most one new operation per crash
                assert 3 <= server.api.bulk.started <= 3 + len(crash_at)  # type: ignore[attr-defined]
        finally:
            other.close()
