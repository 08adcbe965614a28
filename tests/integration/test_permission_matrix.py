"""Every role × every public service operation: allowed exactly where the default grants say, refused with
`PermissionDenied` (and a sentence saying why) everywhere else. The operations are discovered from the services
package, so a new public service method without a row in `permission_cases` fails the suite."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, update

import ecrm_desktop.services
from ecrm_desktop.domain.audit import AuditFilter
from ecrm_desktop.domain.directory import CustomerQuery
from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import EcrmError, PermissionDenied
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.domain.helpdesk.rules import RuleDef
from ecrm_desktop.domain.permissions import DEFAULT_GRANTS, Operation
from ecrm_desktop.services.audit import AuditService
from ecrm_desktop.services.customer_directory import CustomerDirectory
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.customers import CustomerService
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.macros import MacroService
from ecrm_desktop.services.mail_channel.attachments import Attachments
from ecrm_desktop.services.orders import OrderService
from ecrm_desktop.services.permissions import RoleService
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.ticket_rules import RuleService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import Customer, Order
from tests.conftest import FAST_KDF, PASSWORD
from tests.integration.permission_cases import CASES, EXEMPT, Call, Needs, Seeded, needed, role_may


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[UserSession, Seeded]]:
    """A small demo store with an order that carries payment details, a plain and a sensitive note, a saved
    segment and a second (sales) user."""
    service = WorkspaceService(kdf=FAST_KDF)
    session = service.create(tmp_path_factory.mktemp("matrix") / "ws", "admin", PASSWORD)
    fill_demo(session, 40, seed=5)
    profiles = CustomerProfileService(session)
    with session.workspace.sessions() as s, s.begin():
        order_id, customer_id = s.execute(select(Order.id, Order.customer_id).where(Order.customer_id.is_not(None))
                                          .order_by(Order.id).limit(1)).one()
        s.execute(update(Order).where(Order.id == order_id)
                  .values(payment_gateway="shopify_payments", card_brand="Visa", card_last4="4242"))
        other = s.execute(select(Order.customer_id).where(Order.customer_id.is_not(None),
                                                          Order.customer_id != customer_id).limit(1)).scalar_one()
    note = profiles.add_note(customer_id, "Prefers email")
    sensitive = profiles.add_note(customer_id, "Disputed a charge", sensitive=True)
    SegmentService(session).save("Repeat", "number_of_orders > 1")
    UserService(session, FAST_KDF).add("sam", Role.SALES, "sales-password-long-1")
    with session.workspace.sessions() as s:
        email = s.get_one(Customer, customer_id).email
    tickets = TicketService(session)
    ticket = tickets.create("Parcel late", "Where is my parcel?", requester_email=email)
    reply = tickets.reply(ticket, "Let me check.")
    attachment = Attachments(session).attach(reply, "label.txt", b"tracking label")
    macro = MacroService(session).save(MacroDef(0, "Thanks", "Thanks, {{customer.first_name}}!"))
    rule = RuleService(session).save_rule(RuleDef("Repeat buyers", segment="Repeat", add_tag="repeat"))
    folder = tmp_path_factory.mktemp("files")
    (folder / "customers.csv").write_text("Email,First Name\nnew@example.com,New\n", encoding="utf-8")
    yield session, Seeded(customer_id, other, order_id, note, sensitive, ticket, reply, attachment, macro, rule,
                          folder)
    session.close()


def as_role(session: UserSession, role: Role) -> UserSession:
    """The same workspace, signed in under `role` with its default grants."""
    return replace(session, role=role, role_grants=DEFAULT_GRANTS, user_name=f"{role}-user")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "needs", "call"), CASES, ids=[c[0] for c in CASES])
def test_role_may_do_exactly_what_its_grants_say(admin: tuple[UserSession, Seeded], role: Role, name: str,
                                                  needs: Needs, call: Call) -> None:
    session, seeded = admin
    user = as_role(session, role)
    if role_may(DEFAULT_GRANTS[role], needs):
        try:
            call(user, seeded)
        except PermissionDenied as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{role} was refused {name}: {exc}")
        except EcrmError:  # refused for another reason (no such segment, no mailbox): past the permission check
            pass
    else:
        with pytest.raises(PermissionDenied, match=r"^Your role \(\w+\) may not .+Settings → Roles\.$"):
            call(user, seeded)


def public_service_operations() -> set[str]:
    """Every public method of a service class built on a `UserSession`, and every public function taking one
    ("Class.method", "module.function")."""
    found: set[str] = set()
    package = ecrm_desktop.services
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) and UserSession in typing.get_type_hints(obj.__init__).values():
                found |= {f"{name}.{m}" for m, _ in inspect.getmembers(obj, inspect.isfunction)
                          if not m.startswith("_")}
            elif inspect.isfunction(obj) and UserSession in typing.get_type_hints(obj).values():
                found.add(f"{module.__name__.rsplit('.', 1)[1]}.{name}")
    return found


def test_every_public_service_operation_is_in_the_matrix() -> None:
    """A new service operation must get a row (the grant it needs) or an exemption saying why it needs none."""
    in_matrix = {name.split("[")[0] for name, _, _ in CASES}
    operations = public_service_operations()
    assert len(operations) > 150
    assert operations - in_matrix - set(EXEMPT) == set(), "service operations missing from the permission matrix"
    assert (in_matrix | set(EXEMPT)) - operations == set(), "matrix rows for operations that no longer exist"
    assert in_matrix.isdisjoint(EXEMPT)


def test_every_grant_is_checked_by_some_case() -> None:
    """Payment details and notes are fields hidden inside a profile (the test below); every other grant
    guards at least one operation."""
    covered = {op for _, needs, _ in CASES for op in needed(needs)}
    assert set(Operation) - covered == {Operation.VIEW_PAYMENT, Operation.VIEW_NOTES}


def test_profile_hides_payment_and_sensitive_notes_by_role(admin: tuple[UserSession, Seeded]) -> None:
    session, seeded = admin

    def seen(role: Role) -> tuple[bool, bool, tuple[str, ...]]:
        p = CustomerProfileService(as_role(session, role)).profile(seeded.customer)
        paid = next(o for o in p.orders if o.row.id == seeded.order)
        return paid.payment is not None, any(n.sensitive for n in p.notes), p.withheld

    assert seen(Role.ADMINISTRATOR) == (True, True, ())
    assert seen(Role.SALES) == (False, False, ("payment details", "sensitive notes"))
    assert seen(Role.SUPPORT) == (False, True, ("payment details",))
    order = OrderService(as_role(session, Role.SALES)).detail(seeded.order)
    assert order.payment is None and order.payment_hidden
    full = OrderService(session).detail(seeded.order).payment
    assert full is not None and full.card_last4 == "4242"


def test_edited_grants_apply_at_next_sign_in_and_are_audited(admin: tuple[UserSession, Seeded]) -> None:
    session, _ = admin
    roles = RoleService(session)
    roles.set_grants(Role.SALES, DEFAULT_GRANTS[Role.SALES] | {Operation.VIEW_PAYMENT})
    folder: Path = session.workspace.paths.folder
    sam = WorkspaceService(kdf=FAST_KDF).unlock(folder, "sam", "sales-password-long-1")
    try:
        assert sam.may(Operation.VIEW_PAYMENT)
    finally:
        sam.close()
        roles.reset(Role.SALES)
    rows = AuditService(session).search(AuditFilter(action="role.grants"))
    assert [r.detail_json for r in rows[:2]] == ['{"granted": [], "revoked": ["view_payment"], "role": "sales"}',
                                                 '{"granted": ["view_payment"], "revoked": [], "role": "sales"}']


def test_administrators_always_hold_everything(admin: tuple[UserSession, Seeded]) -> None:
    session, _ = admin
    with pytest.raises(Exception, match="Administrators always hold every permission"):
        RoleService(session).set_grants(Role.ADMINISTRATOR, frozenset())


def test_last_administrator_cannot_be_demoted(admin: tuple[UserSession, Seeded]) -> None:
    session, _ = admin
    with pytest.raises(Exception, match="at least one administrator"):
        UserService(session).set_role("admin", Role.SALES)


def _found(session: UserSession, words: str) -> dict[str, bool]:
    """Whether each way of searching customers finds anyone by `words`."""
    listing = CustomerQuery(search=words)
    return {"search": bool(CustomerService(session).search(words)),
            "directory": CustomerDirectory(session).count(listing) > 0
            and bool(CustomerDirectory(session).page(listing, 0, 5)),
            "segment": SegmentService(session).count_rows("number_of_orders >= 0", listing) > 0
            if session.may(Operation.VIEW_SEGMENT_MEMBERS) else False}


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SALES, Role.SUPPORT])
def test_search_never_finds_a_customer_by_a_sensitive_note_or_payment_details(
        admin: tuple[UserSession, Seeded], role: Role) -> None:
    session, seeded = admin
    profiles = CustomerProfileService(session)
    profiles.add_note(seeded.customer, "Chargeback over xylophonist lessons", sensitive=True)
    edited = profiles.add_note(seeded.other, "Quokkaphone fan")
    profiles.edit_note(seeded.sensitive_note, "Disputed a charge for zebrafinch food")
    user = as_role(session, role)
    for secret in ("xylophonist", "zebrafinch", "shopify_payments", "Visa 4242"):
        assert not any(_found(user, secret).values()), secret
    found = _found(user, "quokkaphone")
    assert found["search"] and found["directory"]
    assert found["segment"] is user.may(Operation.VIEW_SEGMENT_MEMBERS)
    CustomerProfileService(session).edit_note(edited, "Plain note")


def test_a_role_that_may_not_read_notes_or_orders_does_not_search_them(admin: tuple[UserSession, Seeded]) -> None:
    session, seeded = admin
    CustomerProfileService(session).add_note(seeded.customer, "Loves narwhalcakes")
    with session.workspace.sessions() as s:
        number = s.get_one(Order, seeded.order).number
    grants = {**DEFAULT_GRANTS, Role.SALES: DEFAULT_GRANTS[Role.SALES] - {Operation.VIEW_NOTES, Operation.VIEW_ORDERS}}
    limited = replace(session, role=Role.SALES, role_grants=grants, user_name="limited")
    full = as_role(session, Role.SALES)
    assert _found(full, "narwhalcakes") == {"search": True, "directory": True, "segment": True}
    assert _found(limited, "narwhalcakes") == {"search": False, "directory": False, "segment": False}
    assert seeded.customer in {c.id for c in CustomerService(full).search(number)}
    assert seeded.customer not in {c.id for c in CustomerService(limited).search(number)}
    email = CustomerProfileService(session).profile(seeded.customer).email or ""
    assert seeded.customer in {c.id for c in CustomerService(limited).search(email)}  # what the role may read
