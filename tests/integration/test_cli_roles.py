"""Each command respects the signed-in role: a refusal is one sentence on stderr and exit code 4; marketing gets
contact lists of consenting customers only; roles, second factor and audit filters from the command line."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.records import LineRecord
from ecrm_desktop.services.mfa import MfaService
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Customer
from tests.factories import customer, make_store, order
from tests.integration.test_cli import ecrm

PASSWORD = "cli-roles-password-1"
USERS = {"sally": ("sales", "sales-password-long-1"), "sue": ("support", "support-password-long-1"),
         "mia": ("marketing", "marketing-password-long-1")}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-roles") / "ws"
    assert ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    for name, (role, password) in USERS.items():
        added = ecrm("users", "add", name, "--role", role, workspace=folder, ECRM_PASSWORD=PASSWORD,
                     ECRM_NEW_PASSWORD=password)
        assert added.returncode == 0, added.stderr
    session = WorkspaceService().unlock(folder, "admin", PASSWORD)
    with session.workspace.sessions() as s, s.begin():
        writer = StoreWriter(s, make_store(s, "Northwind"))
        writer.upsert_customers([customer("1", "ada@example.com", "Ada", "Lovelace"),
                                 customer("2", "grace@example.com", "Grace", "Hopper"),
                                 customer("3", "alan@example.com", "Alan", "Turing")])
        writer.upsert_orders([order(f"o-{i}", str(i), 5, (LineRecord("l", "Compiler", 1, 4999),))
                              for i in (1, 2, 3)])
        for c in s.execute(select(Customer)).scalars():
            c.email_consent = ConsentState.UNSUBSCRIBED if c.first_name == "Alan" else ConsentState.SUBSCRIBED
    SegmentService(session).save("Buyers", "number_of_orders >= 1")
    session.close()
    return folder


def as_user(name: str, *args: str, workspace: Path, **env: str) -> tuple[int, str, str]:
    password = PASSWORD if name == "admin" else USERS[name][1]
    result = ecrm(*args, workspace=workspace, ECRM_USER=name, ECRM_PASSWORD=password, **env)
    return result.returncode, result.stdout, result.stderr


DENIED = [
    ("mia", ("customers", "search", "Ada")),
    ("mia", ("export", "customers", "--format", "csv")),
    ("mia", ("segment", "export", "Buyers", "--out", "{out}")),
    ("sue", ("segment", "count", "number_of_orders >= 1")),
    ("sue", ("report", "--from", "2026-01-01", "--to", "2026-01-31", "--pdf", "{out}")),
    ("sally", ("audit", "verify")),
    ("sally", ("users", "add", "eve", "--role", "sales")),
    ("sally", ("roles", "list")),
    ("sally", ("stores", "add", "shopify", "--name", "X", "--shop-url", "https://x.example")),
    ("mia", ("settings", "idle-lock", "5")),
    ("mia", ("tickets", "list")),
    ("sally", ("tickets", "create", "--subject", "Late", "--body", "Where is it?")),
    ("mia", ("tickets", "rule", "list")),
    ("sue", ("tickets", "sla", "set", "high", "--first-response", "60", "--resolution", "600")),
    ("sally", ("tickets", "import", "{csv}", "--dry-run")),
    ("sally", ("inbox", "fetch")),
    ("sue", ("import", "customers", "{csv}", "--dry-run")),
    ("sue", ("privacy", "export", "ada@example.com", "--out", "{out}")),
    ("sally", ("privacy", "erase", "ada@example.com", "--yes")),
    ("mia", ("privacy", "retention", "--years", "5")),
    ("sue", ("backup", "--out", "{out}")),
    ("sally", ("key", "rotate")),
    ("sue", ("clv", "validate", "--calibration-end", "2026-01-01")),
    ("sue", ("recommend", "evaluate")),
    ("sally", ("mfa", "disable", "--user", "sue")),
    ("sue", ("audit", "export", "--out", "{out}")),
]


@pytest.mark.parametrize(("user", "args"), DENIED, ids=[f"{u}-{' '.join(a[:2])}" for u, a in DENIED])
def test_denied_command_exits_4_with_one_sentence(workspace: Path, tmp_path: Path, user: str,
                                                  args: tuple[str, ...]) -> None:
    out, csv_in = tmp_path / "out.file", tmp_path / "in.csv"
    csv_in.write_text("Email,First Name\nnew@example.com,New\n", encoding="utf-8")
    code, stdout, stderr = as_user(user, *(a.replace("{out}", str(out)).replace("{csv}", str(csv_in)) for a in args),
                                   workspace=workspace,
                                   ECRM_NEW_PASSWORD="another-password-long", ECRM_STORE_TOKEN="t")
    assert code == 4, stderr
    assert stderr.startswith("ecrm: Your role (") and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert not out.exists() and stdout == ""


def test_marketing_exports_consenting_contacts_only(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "contacts.csv"
    code, _, stderr = as_user("mia", "segment", "export", "Buyers", "--contacts", "--out", str(out),
                              workspace=workspace)
    assert code == 0, stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["email", "first_name", "last_name", "email_subscription_status"]
    assert sorted(r["email"] for r in rows) == ["ada@example.com", "grace@example.com"]
    code, stdout, _ = as_user("mia", "segment", "count", "number_of_orders >= 1", "--json", workspace=workspace)
    assert code == 0 and json.loads(stdout) == {"count": 3}


def test_sales_and_support_reach_customers(workspace: Path) -> None:
    for user in ("sally", "sue"):
        code, stdout, stderr = as_user(user, "customers", "search", "Ada", "--json", workspace=workspace)
        assert code == 0, stderr
        assert [c["email"] for c in json.loads(stdout)] == ["ada@example.com"]


def test_roles_grant_revoke_and_role_change(workspace: Path) -> None:
    code, stdout, stderr = as_user("admin", "roles", "grant", "marketing", "view_customers", "--json",
                                   workspace=workspace)
    assert code == 0, stderr
    assert "view_customers" in json.loads(stdout)["permissions"]
    assert as_user("mia", "customers", "search", "Ada", workspace=workspace)[0] == 0
    assert as_user("admin", "roles", "reset", "marketing", workspace=workspace)[0] == 0
    assert as_user("mia", "customers", "search", "Ada", workspace=workspace)[0] == 4
    assert as_user("admin", "users", "role", "mia", "--role", "sales", workspace=workspace)[0] == 0
    assert as_user("mia", "customers", "search", "Ada", workspace=workspace)[0] == 0
    assert as_user("admin", "users", "role", "mia", "--role", "marketing", workspace=workspace)[0] == 0
    code, _, stderr = as_user("admin", "users", "role", "admin", "--role", "sales", workspace=workspace)
    assert code == 2 and "at least one administrator" in stderr


def test_second_factor_from_ecrm_totp(workspace: Path) -> None:
    session = WorkspaceService().unlock(workspace, "sally", USERS["sally"][1])
    service = MfaService(session)
    enrolment = service.begin()
    service.confirm(enrolment, pyotp.TOTP(enrolment.secret).now())
    session.close()
    code, _, stderr = as_user("sally", "mfa", "status", workspace=workspace)
    assert code == 5 and "ECRM_TOTP" in stderr
    code, _, _ = as_user("sally", "mfa", "status", workspace=workspace, ECRM_TOTP="000000")
    assert code == 5 or pyotp.TOTP(enrolment.secret).verify("000000", valid_window=1)
    code, stdout, stderr = as_user("sally", "mfa", "status", "--json", workspace=workspace,
                                   ECRM_TOTP=pyotp.TOTP(enrolment.secret).at(time.time() + 30))  # confirm spent now's
    assert code == 0, stderr
    assert json.loads(stdout) == {"enrolled": True, "recovery_codes_left": 10}
    assert as_user("admin", "mfa", "disable", "--user", "sally", workspace=workspace)[0] == 0
    assert as_user("sally", "mfa", "status", workspace=workspace)[0] == 0


def test_audit_export_filters_by_user_and_action(workspace: Path, tmp_path: Path) -> None:
    assert as_user("sue", "customers", "search", "Grace", workspace=workspace)[0] == 0
    out = tmp_path / "trail.csv"
    code, _, stderr = as_user("admin", "audit", "export", "--out", str(out), "--user", "sue", "--action",
                              "user.sign_in", workspace=workspace)
    assert code == 0, stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and {(r["user"], r["action"]) for r in rows} == {("sue", "user.sign_in")}
