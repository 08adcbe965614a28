"""The `ecrm` command as IT scripts use it: a real process, environment variables, exit codes (CLI.md)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecrm_desktop.domain.customers import EXPORT_FIELDS
from ecrm_desktop.domain.records import LineRecord
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.store_writer import StoreWriter
from tests.factories import customer, make_store, order

PASSWORD = "cli-test-password-1"


def ecrm(*args: str, workspace: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ECRM_")} | env
    cmd = [sys.executable, "-m", "ecrm_desktop", *args]
    if workspace is not None:
        cmd += ["--workspace", str(workspace)]
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, stdin=subprocess.DEVNULL,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def filled_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "ws"
    result = ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    session = WorkspaceService().unlock(folder, "admin", PASSWORD)
    with session.workspace.sessions() as s, s.begin():
        writer = StoreWriter(s, make_store(s, "Northwind"))
        writer.upsert_customers([customer("1", "ada@example.com", "Ada", "Lovelace"),
                                 customer("2", "grace@example.com", "Grace", "Hopper")])
        writer.upsert_orders([order("o-7", "2", 5, (LineRecord("l", "Compiler", 2, 4999, category="Books"),))])
    session.close()
    return folder


def test_init_refuses_an_existing_workspace(filled_workspace: Path) -> None:
    result = ecrm("init", workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 1
    assert "already exists" in result.stderr and "Traceback" not in result.stderr


def test_init_refuses_a_weak_password(tmp_path: Path) -> None:
    result = ecrm("init", workspace=tmp_path / "w", ECRM_PASSWORD="password123")
    assert result.returncode == 2 and "common passwords" in result.stderr
    assert not (tmp_path / "w").exists()


def test_search_by_name_email_and_order_number(filled_workspace: Path) -> None:
    for text, expected in [("grace", "Hopper"), ("ada@exa", "Lovelace"), ("1007", "Hopper")]:
        result = ecrm("customers", "search", text, "--json", workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
        assert result.returncode == 0, result.stderr
        found = json.loads(result.stdout)
        assert [c["last_name"] for c in found] == [expected], text


def test_wrong_password_exits_5(filled_workspace: Path) -> None:
    result = ecrm("customers", "search", "ada", workspace=filled_workspace, ECRM_PASSWORD="wrong-password-0")
    assert result.returncode == 5
    assert result.stderr.strip() == "ecrm: Wrong user name or password."


def test_no_password_and_no_terminal_fails_clearly(filled_workspace: Path) -> None:
    result = ecrm("customers", "search", "ada", workspace=filled_workspace)
    assert result.returncode == 5 and "set ECRM_PASSWORD" in result.stderr


def test_export_json_and_csv(filled_workspace: Path, tmp_path: Path) -> None:
    result = ecrm("export", "customers", "--format", "json", workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [tuple(r) for r in rows] == [EXPORT_FIELDS] * 2
    grace = next(r for r in rows if r["first_name"] == "Grace")
    assert grace["number_of_orders"] == 1 and grace["amount_spent"] == 99.98
    assert grace["customer_tags"] == ["VIP"] and grace["email_subscription_status"] == "SUBSCRIBED"
    assert grace["sources"] == [{"platform": "shopify", "store": "Northwind", "external_id": "2"}]
    assert grace["country"] == "GB" and grace["first_order_date"].endswith("Z")

    out = tmp_path / "customers.csv"
    result = ecrm("export", "customers", "--format", "csv", "--out", str(out), workspace=filled_workspace,
                  ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    table = list(csv.DictReader(io.StringIO(out.read_text())))
    assert tuple(table[0]) == EXPORT_FIELDS and len(table) == 2
    assert next(r for r in table if r["first_name"] == "Grace")["sources"] == "shopify:Northwind:2"


def test_users_add_and_list(filled_workspace: Path) -> None:
    added = ecrm("users", "add", "sam", "--role", "sales", workspace=filled_workspace, ECRM_PASSWORD=PASSWORD,
                 ECRM_NEW_PASSWORD="sales-password-77")
    assert added.returncode == 0, added.stderr
    listed = ecrm("users", "list", "--json", workspace=filled_workspace, ECRM_USER="sam",
                  ECRM_PASSWORD="sales-password-77")
    assert listed.returncode == 0, listed.stderr
    assert {(u["name"], u["role"]) for u in json.loads(listed.stdout)} == {("admin", "administrator"),
                                                                            ("sam", "sales")}
    denied = ecrm("users", "add", "eve", "--role", "administrator", workspace=filled_workspace, ECRM_USER="sam",
                  ECRM_PASSWORD="sales-password-77", ECRM_NEW_PASSWORD="eve-password-123")
    assert denied.returncode == 4 and "administrator" in denied.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["frobnicate"], "invalid choice"),
    (["export", "customers", "--format", "xml"], "invalid choice"),
    (["import", "products", "x.csv"], "invalid choice"),
    (["tickets", "list", "--status", "whenever"], "is not one of OPEN"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = ecrm(*args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_missing_workspace_is_explained(tmp_path: Path) -> None:
    result = ecrm("customers", "search", "x", workspace=tmp_path / "nowhere", ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 1 and "no workspace" in result.stderr


def test_audit_verify_and_export(filled_workspace: Path, tmp_path: Path) -> None:
    ok = ecrm("audit", "verify", "--json", workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["intact"] is True
    out = tmp_path / "audit.csv"
    exported = ecrm("audit", "export", "--out", str(out), workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert exported.returncode == 0, exported.stderr
    actions = [r["action"] for r in csv.DictReader(io.StringIO(out.read_text()))]
    assert actions[:2] == ["workspace.create", "user.add"] and "audit.export" in actions


def test_tampered_audit_trail_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    session = WorkspaceService().unlock(folder, "admin", PASSWORD)
    with session.workspace.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET user_name = 'mallory' WHERE id = 2")
    session.close()
    result = ecrm("audit", "verify", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 1 and "row 2 does not verify" in result.stderr


def test_segment_count_export_and_list(filled_workspace: Path, tmp_path: Path) -> None:
    count = ecrm("segment", "count", "amount_spent > 50 AND number_of_orders >= 1", "--json",
                 workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert count.returncode == 0, count.stderr
    assert json.loads(count.stdout) == {"count": 1}

    contacts = tmp_path / "contacts.csv"
    exported = ecrm("segment", "export", "customer_tags CONTAINS 'VIP'", "--out", str(contacts), "--contacts",
                    workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(contacts.read_text())))
    assert {r["email"] for r in rows} == {"ada@example.com", "grace@example.com"}
    assert set(rows[0]) == {"email", "first_name", "last_name", "email_subscription_status"}

    from ecrm_desktop.services.segments import SegmentService

    session = WorkspaceService().unlock(filled_workspace, "admin", PASSWORD)
    SegmentService(session).save("Buyers", "number_of_orders >= 1")
    session.close()
    listed = ecrm("segment", "list", "--json", workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert [s["name"] for s in json.loads(listed.stdout)] == ["Buyers"]
    members = ecrm("export", "customers", "--format", "json", "--segment", "Buyers", workspace=filled_workspace,
                   ECRM_PASSWORD=PASSWORD)
    assert members.returncode == 0, members.stderr
    assert [c["last_name"] for c in json.loads(members.stdout)] == ["Hopper"]


def test_invalid_segment_query_exits_2_with_position(filled_workspace: Path) -> None:
    result = ecrm("segment", "count", "amount_spent >", workspace=filled_workspace, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 2
    assert "line 1, column" in result.stderr and "Traceback" not in result.stderr
