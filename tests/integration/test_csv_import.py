"""CSV import end to end: dry run, one-transaction import, matching known customers, idempotent re-import,
cancel and failure roll back, a killed process leaves nothing, and the command line's exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ecrm_desktop.domain.enums import ConsentState, Role
from ecrm_desktop.domain.errors import PermissionDenied
from ecrm_desktop.domain.records import LineRecord
from ecrm_desktop.services.csv_import import CsvImportService, ImportKind
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import AuditEntry, Customer, CustomerIdentity, Order
from tests.conftest import PASSWORD
from tests.factories import customer, make_store, order

SAMPLES = Path(__file__).parent.parent / "data" / "csv_import"
ROOT = Path(__file__).parent.parent.parent


def counts(session: UserSession) -> tuple[int, int, int]:
    with session.workspace.sessions() as s:
        return (s.execute(select(func.count()).select_from(Customer)).scalar_one(),
                s.execute(select(func.count()).select_from(Order)).scalar_one(),
                s.execute(select(func.count()).where(AuditEntry.action.like("import.%"))).scalar_one())


def run(session: UserSession, name: str, kind: ImportKind, **kw: object):  # type: ignore[no-untyped-def]
    service = CsvImportService(session)
    return service.run(service.read(SAMPLES / name, kind), name, **kw)  # type: ignore[arg-type]


def test_dry_run_then_import_then_reimport(user_session: UserSession) -> None:
    dry = run(user_session, "shopify_customers.csv", ImportKind.CUSTOMERS, dry_run=True)
    assert (dry.new, dry.updated, dry.matched, len(dry.rejections)) == (4, 0, 0, 2)
    assert counts(user_session) == (0, 0, 0)  # a dry run writes nothing
    done = run(user_session, "shopify_customers.csv", ImportKind.CUSTOMERS)
    assert (done.new, done.updated, done.status, done.exit_code) == (4, 0, "partial", 3)
    orders = run(user_session, "shopify_orders.csv", ImportKind.ORDERS)
    assert (orders.new, orders.matched) == (3, 2)
    assert counts(user_session) == (4, 3, 2)
    again = run(user_session, "shopify_customers.csv", ImportKind.CUSTOMERS)
    orders_again = run(user_session, "shopify_orders.csv", ImportKind.ORDERS)
    assert (again.new, again.updated, orders_again.new, orders_again.updated) == (0, 4, 0, 3)
    assert counts(user_session)[:2] == (4, 3)  # idempotent: updates, no duplicates
    with user_session.workspace.sessions() as s:
        ada = s.execute(select(Customer).where(Customer.email == "ada@example.com")).scalar_one()
        # aggregates follow the imported orders (in the order's currency: GBP at the default rate 1)
        assert (ada.orders_count, ada.total_spent_cents, ada.country) == (1, 12500, "GB")
        grace = s.execute(select(Customer).where(Customer.email == "grace@example.com")).scalar_one()
        assert grace.refunded_cents == 2000


def test_matches_known_customers_and_keeps_what_the_file_lacks(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        writer = StoreWriter(s, make_store(s, "Shop"))
        writer.upsert_customers([customer("1", "grace@example.com", "Grace", "Hopper"),
                                 customer("2", "other@example.com", "Kim", "Lee", )])
        writer.upsert_orders([order("o-1", "1", 3, (LineRecord("l", "Manual", 1, 999),))])
    data = b"Email,First Name\nGRACE@example.com,Amazing Grace\nnew@example.com,Neu\n"
    path = Path(user_session.workspace.paths.folder) / "generic.csv"
    path.write_bytes(data)
    service = CsvImportService(user_session)
    report = service.run(service.read(path, ImportKind.CUSTOMERS), path.name)
    assert (report.new, report.matched, report.updated) == (1, 1, 0)
    with user_session.workspace.sessions() as s:
        grace = s.execute(select(Customer).where(Customer.email == "grace@example.com")).scalar_one()
        assert grace.first_name == "Amazing Grace"  # a mapped column updates
        # columns the file does not have keep the store's values: phone, consent, tags, orders
        assert grace.phone == "+44 20 7946 0000" and grace.email_consent is ConsentState.SUBSCRIBED
        assert grace.orders_count == 1
        identities = s.execute(select(func.count()).select_from(CustomerIdentity)
                               .where(CustomerIdentity.customer_id == grace.id)).scalar_one()
        assert identities == 2


def test_matches_by_phone_when_the_email_is_unknown(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        StoreWriter(s, make_store(s, "Shop")).upsert_customers([customer("1", "ada@example.com")])
    path = Path(user_session.workspace.paths.folder) / "phones.csv"
    path.write_bytes(b"Email,Phone,Last Name\nada.l@example.org,+44 (20) 7946-0000,Lovelace\n")
    service = CsvImportService(user_session)
    report = service.run(service.read(path, ImportKind.CUSTOMERS), path.name)
    assert (report.new, report.matched) == (0, 1)
    assert counts(user_session)[0] == 1


def test_cancel_and_failure_roll_everything_back(user_session: UserSession, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Email,First Name\n" + "".join(f"p{i}@example.com,P{i}\n" for i in range(5000)))
    service = CsvImportService(user_session)
    parsed = service.read(path, ImportKind.CUSTOMERS)
    seen: list[int] = []
    report = service.run(parsed, path.name, progress=lambda d, t: seen.append(d), should_cancel=lambda: bool(seen))
    assert report.cancelled and report.status == "cancelled" and seen == [2000]
    assert counts(user_session) == (0, 0, 0)

    def explode(done: int, total: int) -> None:
        if done > 2000:
            raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError):
        service.run(parsed, path.name, progress=explode)
    assert counts(user_session) == (0, 0, 0)


def test_a_killed_import_leaves_nothing(user_session: UserSession, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Email,First Name\n" + "".join(f"p{i}@example.com,P{i}\n" for i in range(8000)))
    folder = user_session.workspace.paths.folder
    user_session.close()
    process = subprocess.Popen([sys.executable, "-m", "tests.csv_import_process", str(folder), PASSWORD, str(path)],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("progress 2000")  # one batch written, not committed
    process.kill()
    process.wait(30)
    from ecrm_desktop.services.workspace import WorkspaceService

    reopened = WorkspaceService().unlock(folder, "admin", PASSWORD)
    try:
        assert counts(reopened) == (0, 0, 0)
    finally:
        reopened.close()


def test_rejected_rows_saved_with_reasons_and_only_administrators_import(user_session: UserSession) -> None:
    service = CsvImportService(user_session)
    report = service.run(service.read(SAMPLES / "shopify_orders.csv", ImportKind.ORDERS), "o.csv", dry_run=True)
    out = io.StringIO()
    assert service.save_rejections(SAMPLES / "shopify_orders.csv", report.rejections, out) == 3
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Row,Reason,Name,Email,Financial Status")
    assert lines[1].startswith("5,Created at: 'last tuesday' is not an ISO 8601 date,#1003,walkin@example.org")
    user_session.role = Role.SALES
    with pytest.raises(PermissionDenied):
        service.read(SAMPLES / "shopify_orders.csv", ImportKind.ORDERS)


def test_command_line(user_session: UserSession, tmp_path: Path) -> None:
    folder = str(user_session.workspace.paths.folder)
    user_session.close()
    env = {"ECRM_PASSWORD": PASSWORD}

    def ecrm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ecrm_desktop", *args, "--workspace", folder], cwd=ROOT,
                              capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env,
                                                                   "QT_QPA_PLATFORM": "offscreen"},
                              timeout=120, check=False)

    dry = ecrm("import", "customers", str(SAMPLES / "shopify_customers.csv"), "--dry-run", "--json")
    assert dry.returncode == 3, dry.stderr
    doc = json.loads(dry.stdout)
    assert (doc["status"], doc["dry_run"], doc["new"], doc["rejected"], doc["format"]) == (
        "partial", True, 4, 2, "shopify")
    rejected = tmp_path / "rejected.csv"
    done = ecrm("import", "customers", str(SAMPLES / "shopify_customers.csv"), "--rejected-out", str(rejected))
    assert done.returncode == 3 and "4 new customers" in done.stdout and "row 5: Email" in done.stdout
    assert rejected.read_text().count("\n") == 3
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nemail = "Mail"\n')
    clean = tmp_path / "clean.csv"
    clean.write_text("Mail,Vorname\nz@example.com,Zed\n")
    ok = ecrm("import", "customers", str(clean), "--mapping", str(mapping), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["new"] == 1
    missing = ecrm("import", "orders", str(clean))
    assert missing.returncode == 2 and "no column for 'Name'" in missing.stderr and "Traceback" not in missing.stderr
