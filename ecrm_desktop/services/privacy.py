"""Data subject requests and the retention policy: access exports, erasure, consent changes with their history.

Administrators only (the roles work will widen this to its permission model). Every request is written to the
audit trail by customer id, never by the person's email or name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.errors import NotFound
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.privacy import RetentionAction, RetentionPolicy, RetentionPreview
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, erasure, retention, subject_data
from ecrm_desktop.storage.erasure import Erased
from ecrm_desktop.storage.settings import read_setting, write_setting
from ecrm_desktop.storage.tables import ConsentChange, Customer, utcnow

log = logging.getLogger(__name__)

POLICY_SETTING = "privacy_retention"
LAST_RUN_SETTING = "privacy_retention_last_run"
SCHEDULE_EVERY = timedelta(days=1)
SCHEDULER = "(retention schedule)"


@dataclass(frozen=True)
class RetentionResult:
    policy: RetentionPolicy
    erased: Erased
    skipped: int  # previewed customers who became active (or were erased) before the policy ran


class PrivacyService:
    def __init__(self, session: UserSession) -> None:
        require(session, Operation.PRIVACY_REQUESTS)
        self.session = session

    # -- data subject requests ------------------------------------------------------------------------------

    def customers_of(self, email: str) -> list[int]:
        """The customer records known by this email, or `NotFound`."""
        with self.session.workspace.sessions() as s:
            ids = subject_data.customers_by_email(s, email)
        if not ids:
            raise NotFound("No customer has that email address in this workspace.")
        return ids

    def access_export(self, customer_ids: list[int]) -> dict[str, Any]:
        """Everything held about the person behind these records; the export is audited first."""
        with self.session.workspace.sessions() as s, s.begin():
            self._require(s, customer_ids)
            for cid in customer_ids:
                audit.append(s, self.session.user_name, "privacy.export", "customer", cid)
            return subject_data.subject_record(s, customer_ids)

    def erase(self, customer_ids: list[int]) -> Erased:
        """Erase the person behind these records (see `storage.erasure`), in one transaction."""
        with self.session.workspace.sessions() as s, s.begin():
            self._require(s, customer_ids)
            result = erasure.erase_customers(s, customer_ids, "request")
            for cid in customer_ids:
                audit.append(s, self.session.user_name, "privacy.erase", "customer", cid, orders=result.orders,
                             tickets=result.tickets)
        return result

    def set_consent(self, customer_id: int, state: ConsentState, source: str) -> None:
        """Record a consent change made here (a customer's request by phone or mail), with its history."""
        with self.session.workspace.sessions() as s, s.begin():
            (customer,) = self._require(s, [customer_id])
            now = utcnow()
            s.add(ConsentChange(customer_id=customer_id, channel="email", old_state=customer.email_consent,
                                new_state=state, changed_at=now, source=source[:64],
                                actor=self.session.user_name))
            customer.email_consent, customer.email_consent_at, customer.email_consent_source = state, now, source[:64]
            audit.append(s, self.session.user_name, "consent.change", "customer", customer_id, state=state.value)

    def consent_history(self, customer_ids: list[int]) -> list[dict[str, Any]]:
        """Every recorded consent change of these customers, oldest first."""
        with self.session.workspace.sessions() as s:
            return subject_data.consent_history(s, customer_ids)

    @staticmethod
    def _require(s: Session, ids: list[int]) -> list[Customer]:
        found = list(s.execute(select(Customer).where(Customer.id.in_(ids))).scalars())
        if len(found) != len(set(ids)) or not ids:
            raise NotFound("That customer no longer exists in this workspace.")
        return found

    # -- retention ------------------------------------------------------------------------------------------

    def policy(self) -> RetentionPolicy | None:
        with self.session.workspace.sessions() as s:
            return _policy(s)

    def set_policy(self, policy: RetentionPolicy | None) -> None:
        with self.session.workspace.sessions() as s, s.begin():
            write_setting(s, POLICY_SETTING, policy.to_json() if policy else None)
            audit.append(s, self.session.user_name, "settings.retention", policy=policy.to_json() if policy else None)

    def preview_retention(self, policy: RetentionPolicy, now: datetime | None = None) -> RetentionPreview:
        cutoff = policy.cutoff(now or datetime.now(UTC))
        with self.session.workspace.sessions() as s:
            return RetentionPreview(policy, cutoff, tuple(retention.inactive_customers(s, cutoff)))

    def apply_retention(self, preview: RetentionPreview) -> RetentionResult:
        return _apply_retention(self.session, preview, self.session.user_name)


def _apply_retention(session: UserSession, preview: RetentionPreview, actor: str) -> RetentionResult:
    """Treat the previewed customers that are still inactive at the preview's cutoff, in one transaction."""
    with session.workspace.sessions() as s, s.begin():
        still = set(retention.inactive_customers(s, preview.cutoff)) & set(preview.customer_ids)
        treat = erasure.delete_customers if preview.policy.action is RetentionAction.DELETE else erasure.erase_customers
        erased = treat(s, sorted(still), "retention") if still else Erased(0, 0, 0, 0)
        write_setting(s, LAST_RUN_SETTING, datetime.now(UTC).isoformat())
        audit.append(s, actor, "privacy.retention", policy=preview.policy.to_json(), customers=len(still),
                     skipped=preview.count - len(still))
    return RetentionResult(preview.policy, erased, preview.count - len(still))


def run_due_retention(session: UserSession, now: datetime | None = None) -> RetentionResult | None:
    """Run the workspace's scheduled retention policy when a day has passed since its last run (after a sync)."""
    require(session, Operation.SYNC)
    now = now or datetime.now(UTC)
    with session.workspace.sessions() as s:
        policy = _policy(s)
        last = read_setting(s, LAST_RUN_SETTING)
    if policy is None or not policy.scheduled:
        return None
    if last is not None and now - datetime.fromisoformat(str(last)) < SCHEDULE_EVERY:
        return None
    cutoff = policy.cutoff(now)
    with session.workspace.sessions() as s:
        preview = RetentionPreview(policy, cutoff, tuple(retention.inactive_customers(s, cutoff)))
    result = _apply_retention(session, preview, SCHEDULER)
    log.info("retention policy ran: %d customers %sd", result.erased.customers, policy.action.value)
    return result


def _policy(s: Session) -> RetentionPolicy | None:
    raw = read_setting(s, POLICY_SETTING)
    return RetentionPolicy.from_json(raw) if raw else None
