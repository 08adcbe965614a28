import json
from pathlib import Path

import pytest

from ecrm_desktop.domain.errors import AuthenticationFailed, WorkspaceError
from ecrm_desktop.storage.keyslots import KdfParams, KeySlotFile

FAST = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)


def test_each_user_unwraps_the_same_key(tmp_path: Path) -> None:
    key = KeySlotFile.new_database_key()
    slots = KeySlotFile("ws-1")
    slots.add("admin", "first-password-1", key, FAST)
    slots.add("agent", "second-password-2", key, FAST)
    slots.save(tmp_path / "k.json")
    loaded = KeySlotFile.load(tmp_path / "k.json")
    assert loaded.unwrap("admin", "first-password-1") == key
    assert loaded.unwrap("AGENT", "second-password-2") == key
    assert len(key) == 32


def test_default_kdf_is_argon2id_with_real_cost(tmp_path: Path) -> None:
    slots = KeySlotFile("ws")
    slots.add("admin", "first-password-1", KeySlotFile.new_database_key())
    slots.save(tmp_path / "k.json")
    doc = json.loads((tmp_path / "k.json").read_text())
    assert doc["slots"][0]["kdf"] == {"name": "argon2id", "time_cost": 3, "memory_kib": 65536, "parallelism": 2}
    assert (tmp_path / "k.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("user", "password"), [("admin", "wrong-password!"), ("nobody", "first-password-1")])
def test_wrong_credentials_fail_plainly(user: str, password: str) -> None:
    slots = KeySlotFile("ws")
    slots.add("admin", "first-password-1", KeySlotFile.new_database_key(), FAST)
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
        slots.unwrap(user, password)


def test_slot_is_bound_to_its_workspace() -> None:
    key = KeySlotFile.new_database_key()
    slots = KeySlotFile("ws-a")
    slots.add("admin", "first-password-1", key, FAST)
    moved = KeySlotFile("ws-b", slots=slots.slots)
    with pytest.raises(AuthenticationFailed):
        moved.unwrap("admin", "first-password-1")


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="missing"):
        KeySlotFile.load(tmp_path / "absent.json")


BAD_SLOT = ('{"format": "ecrm-keyslots", "version": 1, "workspace_id": "x", "slots": [{"user": "a", "kdf": '
            '{"name": "argon2id", "time_cost": 1, "memory_kib": 8, "parallelism": 1}, "salt": "%%%", "nonce": "", '
            '"wrapped_key": ""}]}')


@pytest.mark.parametrize("content", ["", "{not json", '{"format": "other"}',
                                     '{"format": "ecrm-keyslots", "version": 1}', BAD_SLOT])
def test_damaged_file_says_so(tmp_path: Path, content: str) -> None:
    (tmp_path / "k.json").write_text(content)
    with pytest.raises(WorkspaceError, match="damaged"):
        KeySlotFile.load(tmp_path / "k.json")
