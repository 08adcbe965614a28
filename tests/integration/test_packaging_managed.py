"""Managed settings: the system-wide file an administrator presets, as the app reads and applies it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.services import managed
from ecrm_desktop.services.locations import default_workspace_folder
from ecrm_desktop.services.managed import ManagedStore, load_managed_settings
from ecrm_desktop.services.settings import SettingsService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.settings import write_setting
from tests.integration.test_cli import PASSWORD, ecrm
from tests.sync_support import emulator, sample_store

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "managed.toml.example"


@pytest.fixture
def managed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "managed.toml"
    monkeypatch.setenv(managed.ENV_VAR, str(path))
    managed.managed_settings.cache_clear()
    yield path
    managed.managed_settings.cache_clear()


def test_the_documented_example_loads() -> None:
    settings = load_managed_settings(EXAMPLE)
    assert settings.sync_interval_minutes == 30
    assert settings.workspace_folder() == Path.home() / "ecrm-workspace"
    assert settings.store("Wholesale") == ManagedStore(name="Wholesale", platform="woocommerce",
                                                       url="https://wholesale.example.com", key="ck_0123456789abcdef")
    assert settings.store("Elsewhere") is None


def test_no_file_means_no_presets(tmp_path: Path) -> None:
    settings = load_managed_settings(tmp_path / "absent.toml")
    assert settings.workspace is None and settings.sync_interval_minutes is None and settings.stores == ()


@pytest.mark.parametrize(("text", "message"), [
    ('[[stores]]\nname = "Shop"\nplatform = "shopify"\nurl = "https://s.example"\ntoken = "shpat_x"\n', "secret"),
    ('consumer_secret = "cs_x"\n', "secret"),
    ("sync_interval_minutes = 0\n", "sync_interval_minutes"),
    ('update_manifest_url = "http://plain.example/m.json"\n', "update_manifest_url"),
    ('colour = "blue"\n', "colour"),
    ("workspace = [\n", "cannot be read"),
])
def test_invalid_files_are_refused_in_one_sentence(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "managed.toml"
    path.write_text(text)
    with pytest.raises(EcrmError, match=message) as caught:
        load_managed_settings(path)
    assert "ask your administrator" in str(caught.value) and "shpat_x" not in str(caught.value)


def test_the_preset_workspace_is_the_default_folder(managed_file: Path, tmp_path: Path) -> None:
    managed_file.write_text(f'workspace = "{tmp_path}/preset/ws"\n')
    assert default_workspace_folder() == tmp_path / "preset" / "ws"
    env = {**os.environ, "ECRM_USER": "admin", "ECRM_PASSWORD": "managed-Passw0rd-1", "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-m", "ecrm_desktop", "init"], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "preset" / "ws" / "keyslots.json").exists()


def test_the_preset_sync_interval_applies_until_the_workspace_sets_its_own(
        managed_file: Path, user_session: UserSession) -> None:
    service = SettingsService(user_session)
    assert service.sync_interval_minutes() == 15
    managed_file.write_text("sync_interval_minutes = 45\n")
    managed.managed_settings.cache_clear()
    assert service.sync_interval_minutes() == 45
    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, "sync_interval_minutes", 5)
    assert service.sync_interval_minutes() == 5


def test_stores_add_takes_the_preset_connection_settings_and_never_a_secret_from_them(tmp_path: Path) -> None:
    ws, settings = tmp_path / "ws", tmp_path / "managed.toml"
    shop = sample_store(customers=3, name="Main shop")
    woo = sample_store(customers=3, seed=3, name="Wholesale", id_base=5000)
    with emulator(shop, Platform.SHOPIFY) as s_srv, emulator(woo, Platform.WOOCOMMERCE) as w_srv:
        settings.write_text(f'[[stores]]\nname = "Main shop"\nplatform = "shopify"\nurl = "{s_srv.url}"\n\n'
                            f'[[stores]]\nname = "Wholesale"\nplatform = "woocommerce"\nurl = "{w_srv.url}"\n'
                            f'key = "{woo.key}"\n')
        env = {"ECRM_PASSWORD": PASSWORD, "ECRM_MANAGED_SETTINGS": str(settings)}
        assert ecrm("init", workspace=ws, **env).returncode == 0
        added = ecrm("stores", "add", "shopify", "--name", "Main shop", workspace=ws, ECRM_STORE_TOKEN=shop.token,
                     **env)
        assert added.returncode == 0, added.stderr
        added = ecrm("stores", "add", "woocommerce", "--name", "Wholesale", workspace=ws,
                     ECRM_STORE_SECRET=woo.secret, **env)
        assert added.returncode == 0, added.stderr
        unknown = ecrm("stores", "add", "shopify", "--name", "Elsewhere", workspace=ws, ECRM_STORE_TOKEN="x", **env)
        assert unknown.returncode == 2
        assert "--shop-url is required: no managed setting presets the shopify store 'Elsewhere'" in unknown.stderr
    listed = json.loads(ecrm("stores", "list", "--json", workspace=ws, **env).stdout)
    assert {(s["name"], s["url"]) for s in listed} == {("Main shop", s_srv.url), ("Wholesale", w_srv.url)}
