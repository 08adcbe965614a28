"""The Settings screen's security part: the user's own second factor, the idle lock, (administrators) users'
roles and what each role may do, and the reminder to rotate a database key older than 90 days."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ecrm_desktop.domain.accounts import Enrolment, MfaStatus, UserInfo
from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.presenters.access import Refusal
from ecrm_desktop.presenters.tasks import Runner, TaskState

if TYPE_CHECKING:
    from ecrm_desktop.services.mfa import MfaService
    from ecrm_desktop.services.permissions import RoleService
    from ecrm_desktop.services.settings import SettingsService
    from ecrm_desktop.services.users import UserService

Grants = dict[Role, frozenset[Operation]]


class SecurityView(Protocol):
    def show_mfa(self, status: MfaStatus) -> None: ...

    def show_enrolment(self, enrolment: Enrolment) -> None: ...

    def show_recovery_codes(self, codes: list[str]) -> None: ...

    def show_enrol_problem(self, message: str) -> None: ...

    def show_idle_lock(self, minutes: int, refusal: str | None) -> None: ...

    def show_users(self, users: list[UserInfo], refusal: str | None) -> None: ...

    def show_grants(self, grants: Grants) -> None: ...

    def show_notice(self, text: str) -> None: ...


class SecurityPresenter:
    def __init__(self, view: SecurityView, runner: Runner, *, mfa: MfaService, settings: SettingsService,
                 users: UserService, roles: Callable[[], RoleService], refusal: Refusal,
                 idle_lock_changed: Callable[[int], None] = lambda _m: None,
                 key_reminder: Callable[[], str | None] = lambda: None) -> None:
        self.view, self.runner, self.mfa, self.settings, self.users = view, runner, mfa, settings, users
        self.roles, self.refusal, self.idle_lock_changed = roles, refusal, idle_lock_changed
        self.key_reminder = key_reminder

    def start(self) -> None:
        self.runner.submit(lambda _s: self.mfa.status(), self.view.show_mfa, "Second factor")
        self.runner.submit(lambda _s: self.settings.idle_lock_minutes(),
                           lambda m: self.view.show_idle_lock(m, self.refusal(Operation.MANAGE_SETTINGS)), "Idle lock")
        self.runner.submit(lambda _s: self.users.list(),
                           lambda u: self.view.show_users(u, self.refusal(Operation.MANAGE_USERS)), "Users")
        self.runner.submit(lambda _s: self.key_reminder(), self._remind, "Checking the database key's age")

    def _remind(self, text: str | None) -> None:
        if text:
            self.view.show_notice(text)

    # -- the second factor ---------------------------------------------------------------------------------

    def begin_enrolment(self) -> None:
        self.view.show_enrolment(self.mfa.begin())

    def confirm_enrolment(self, enrolment: Enrolment, code: str) -> None:
        def job(_s: TaskState) -> list[str] | str:
            try:
                return self.mfa.confirm(enrolment, code)
            except UsageError as exc:
                return str(exc)

        self.runner.submit(job, self._confirmed, "Setting up the second factor")

    def _confirmed(self, result: list[str] | str) -> None:
        if isinstance(result, str):
            self.view.show_enrol_problem(result)
            return
        self.view.show_recovery_codes(result)
        self.start()

    def new_recovery_codes(self) -> None:
        self.runner.submit(lambda _s: self.mfa.new_recovery_codes(), self.view.show_recovery_codes,
                           "New recovery codes")

    def disable_mfa(self) -> None:
        def job(_s: TaskState) -> MfaStatus:
            self.mfa.disable()
            return self.mfa.status()

        self.runner.submit(job, self.view.show_mfa, "Turning off the second factor")

    # -- workspace settings (administrators) ---------------------------------------------------------------

    def set_idle_lock(self, minutes: int) -> None:
        def done(_r: None) -> None:
            self.idle_lock_changed(minutes)
            self.view.show_notice(f"The window now locks after {minutes} idle minutes." if minutes else
                                  "The window no longer locks by itself.")

        self.runner.submit(lambda _s: self.settings.set_idle_lock_minutes(minutes), done, "Saving the idle lock")

    def set_role(self, user: str, role: Role) -> None:
        def job(_s: TaskState) -> list[UserInfo]:
            self.users.set_role(user, role)
            return self.users.list()

        self.runner.submit(job, lambda u: self.view.show_users(u, None), "Changing the role")

    def load_grants(self) -> None:
        self.runner.submit(lambda _s: self.roles().grants(), self.view.show_grants, "Role permissions")

    def save_grants(self, grants: Grants) -> None:
        def job(_s: TaskState) -> Grants:
            service = self.roles()
            for role, operations in grants.items():
                if role is not Role.ADMINISTRATOR:
                    service.set_grants(role, operations)
            return service.grants()

        def done(saved: Grants) -> None:
            self.view.show_grants(saved)
            self.view.show_notice("Saved. The new permissions apply when each user next signs in.")

        self.runner.submit(job, done, "Saving role permissions")
