"""Sign-in: lock-out with back-off (on a controllable clock), the TOTP second factor with single-use recovery
codes, and the audit trail of every sign-in, failed or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from ecrm_desktop.domain.accounts import MfaStatus
from ecrm_desktop.domain.errors import AuthenticationFailed, SecondFactorRequired, UsageError
from ecrm_desktop.domain.lockout import wait_after
from ecrm_desktop.services.mfa import MfaService
from ecrm_desktop.services.sign_in_guard import LockedOut
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import AuditEntry
from tests.conftest import FAST_KDF, PASSWORD


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    WorkspaceService(kdf=FAST_KDF).create(tmp_path / "ws", "admin", PASSWORD).close()
    return tmp_path / "ws"


def _actions(session: UserSession) -> list[tuple[str | None, str]]:
    with session.workspace.sessions() as s:
        return [(e.user_name, e.action) for e in s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]


def test_back_off_doubles_after_the_free_attempts() -> None:
    assert [wait_after(n) for n in range(4, 10)] == [0, 30, 60, 120, 240, 480]
    assert wait_after(40) == 3600


def test_lock_out_grows_persists_and_resets_on_success(folder: Path, clock: Clock) -> None:
    service = WorkspaceService(kdf=FAST_KDF, clock=clock)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
            service.unlock(folder, "admin", "not-the-password")
    with pytest.raises(LockedOut, match="try again in 30 seconds"):
        service.unlock(folder, "admin", PASSWORD)  # even the right password waits
    restarted = WorkspaceService(kdf=FAST_KDF, clock=clock)  # the count survives a restart
    clock.advance(29)
    with pytest.raises(LockedOut):
        restarted.unlock(folder, "admin", PASSWORD)
    clock.advance(1)
    with pytest.raises(AuthenticationFailed, match="Wrong"):
        restarted.unlock(folder, "admin", "still-wrong-password")
    with pytest.raises(LockedOut, match="try again in 60 seconds"):
        restarted.unlock(folder, "admin", PASSWORD)
    clock.advance(60)
    session = restarted.unlock(folder, "admin", PASSWORD)
    try:
        actions = _actions(session)
        assert actions.count(("admin", "user.sign_in_failed")) == 6
        assert actions[-1] == ("admin", "user.sign_in")
    finally:
        session.close()
    for _ in range(4):  # the count started again from zero
        with pytest.raises(AuthenticationFailed, match="Wrong"):
            restarted.unlock(folder, "admin", "wrong-again-password")
    restarted.unlock(folder, "admin", PASSWORD).close()


def test_lock_out_is_per_user(folder: Path, clock: Clock) -> None:
    service = WorkspaceService(kdf=FAST_KDF, clock=clock)
    for _ in range(6):
        with pytest.raises(AuthenticationFailed):
            service.unlock(folder, "mallory", "guessing-passwords")
    with pytest.raises(LockedOut):
        service.unlock(folder, "mallory", "guessing-passwords")
    service.unlock(folder, "admin", PASSWORD).close()


def test_totp_enrolment_sign_in_and_recovery_codes(folder: Path, clock: Clock) -> None:
    service = WorkspaceService(kdf=FAST_KDF, clock=clock)
    session = service.unlock(folder, "admin", PASSWORD)
    mfa = MfaService(session, clock)
    enrolment = mfa.begin()
    assert enrolment.uri.startswith("otpauth://totp/ecrm:admin?secret=")
    with pytest.raises(UsageError, match="does not match"):
        mfa.confirm(enrolment, "000000" if pyotp.TOTP(enrolment.secret).at(clock()) != "000000" else "111111")
    assert not mfa.status().enrolled
    codes = mfa.confirm(enrolment, pyotp.TOTP(enrolment.secret).at(clock()))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert mfa.status() == MfaStatus(enrolled=True, recovery_codes_left=10)
    session.close()

    with pytest.raises(SecondFactorRequired, match="ECRM_TOTP"):
        service.unlock(folder, "admin", PASSWORD)
    with pytest.raises(AuthenticationFailed, match="Wrong authentication code"):
        service.unlock(folder, "admin", PASSWORD, code="123456" if pyotp.TOTP(enrolment.secret).at(clock()) !=
                       "123456" else "654321")
    clock.advance(90)
    service.unlock(folder, "admin", PASSWORD, code=pyotp.TOTP(enrolment.secret).at(clock())).close()
    recovered = service.unlock(folder, "admin", PASSWORD, code=codes[3].upper())
    try:
        assert MfaService(recovered).status().recovery_codes_left == 9
        with recovered.workspace.sessions() as s:
            methods = [e.detail_json for e in s.execute(select(AuditEntry).where(
                AuditEntry.action == "user.sign_in").order_by(AuditEntry.id)).scalars()][-2:]
        assert methods == ['{"method": "password+totp"}', '{"method": "password+recovery"}']
    finally:
        recovered.close()
    with pytest.raises(AuthenticationFailed, match="Wrong authentication code"):  # single use
        service.unlock(folder, "admin", PASSWORD, code=codes[3])


def test_remembered_key_does_not_skip_the_second_factor(folder: Path, clock: Clock,
                                                        workspace_service: WorkspaceService) -> None:
    service = WorkspaceService(secrets=workspace_service.secrets, kdf=FAST_KDF, clock=clock)
    session = service.unlock(folder, "admin", PASSWORD, remember=True)
    mfa = MfaService(session, clock)
    enrolment = mfa.begin()
    mfa.confirm(enrolment, pyotp.TOTP(enrolment.secret).at(clock()))
    session.close()
    assert service.unlock_remembered(folder, "admin") is None


def test_idle_lock_reauthentication_counts_failures(folder: Path, clock: Clock) -> None:
    service = WorkspaceService(kdf=FAST_KDF, clock=clock)
    session = service.unlock(folder, "admin", PASSWORD)
    try:
        with pytest.raises(AuthenticationFailed):
            service.reauthenticate(session, "wrong-password-here")
        service.reauthenticate(session, PASSWORD)
        assert _actions(session)[-2:] == [("admin", "user.sign_in_failed"), ("admin", "user.unlock")]
    finally:
        session.close()


def _enrolled(service: WorkspaceService, folder: Path, clock: Clock) -> tuple[pyotp.TOTP, list[str]]:
    session = service.unlock(folder, "admin", PASSWORD)
    try:
        mfa = MfaService(session, clock)
        enrolment = mfa.begin()
        totp = pyotp.TOTP(enrolment.secret)
        return totp, mfa.confirm(enrolment, totp.at(clock()))
    finally:
        session.close()


def test_a_totp_code_is_accepted_once(folder: Path, clock: Clock) -> None:
    service = WorkspaceService(kdf=FAST_KDF, clock=clock)
    totp, _ = _enrolled(service, folder, clock)
    with pytest.raises(AuthenticationFailed, match="already used"):  # the enrolment's code is spent
        service.unlock(folder, "admin", PASSWORD, code=totp.at(clock()))
    clock.advance(30)
    code = totp.at(clock())
    service.unlock(folder, "admin", PASSWORD, code=code).close()
    clock.advance(10)  # still the same 30-second step: an onlooker replaying it is refused
    with pytest.raises(AuthenticationFailed, match="already used"):
        service.unlock(folder, "admin", PASSWORD, code=code)
    with pytest.raises(AuthenticationFailed, match="already used"):  # an older step inside the drift window too
        service.unlock(folder, "admin", PASSWORD, code=totp.at(clock() - timedelta(seconds=30)))
    clock.advance(30)
    service.unlock(folder, "admin", PASSWORD, code=totp.at(clock())).close()
    restarted = WorkspaceService(kdf=FAST_KDF, clock=clock)  # the last step is stored, not remembered in memory
    with pytest.raises(AuthenticationFailed, match="already used"):
        restarted.unlock(folder, "admin", PASSWORD, code=totp.at(clock()))


def test_a_refused_replay_counts_towards_the_lock_out(folder: Path, clock: Clock) -> None:
    service = WorkspaceService(kdf=FAST_KDF, clock=clock)
    totp, _ = _enrolled(service, folder, clock)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            service.unlock(folder, "admin", PASSWORD, code=totp.at(clock()))
    with pytest.raises(LockedOut):
        service.unlock(folder, "admin", PASSWORD, code=totp.at(clock() + timedelta(seconds=30)))


def test_idle_unlock_asks_for_the_second_factor(folder: Path, clock: Clock) -> None:
    service = WorkspaceService(kdf=FAST_KDF, clock=clock)
    totp, codes = _enrolled(service, folder, clock)
    clock.advance(30)
    session = service.unlock(folder, "admin", PASSWORD, code=totp.at(clock()))
    try:
        assert service.has_second_factor(session)
        with pytest.raises(SecondFactorRequired):
            service.reauthenticate(session, PASSWORD)
        with pytest.raises(AuthenticationFailed, match="already used"):  # the sign-in's code does not unlock
            service.reauthenticate(session, PASSWORD, totp.at(clock()))
        with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
            service.reauthenticate(session, "wrong-password-here", totp.at(clock() + timedelta(seconds=30)))
        clock.advance(30)
        service.reauthenticate(session, PASSWORD, totp.at(clock()))
        service.reauthenticate(session, PASSWORD, codes[0])
        with pytest.raises(AuthenticationFailed, match="Wrong authentication code"):  # a recovery code: once
            service.reauthenticate(session, PASSWORD, codes[0])
        with session.workspace.sessions() as s:
            unlocks = [e.detail_json for e in s.execute(select(AuditEntry).where(
                AuditEntry.action == "user.unlock").order_by(AuditEntry.id)).scalars()]
        assert unlocks == ['{"method": "password+totp"}', '{"method": "password+recovery"}']
    finally:
        session.close()
