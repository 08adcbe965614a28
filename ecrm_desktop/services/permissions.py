"""The one permission check every service operation makes, and the editing of role grants by administrators."""

from __future__ import annotations

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.domain.permissions import (
    DEFAULT_GRANTS,
    Grants,
    Operation,
    changed,
    denial,
    grants_from_json,
    grants_to_json,
)
from ecrm_desktop.services.workspace import ROLE_GRANTS_SETTING, UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.settings import read_setting, write_setting


def require(session: UserSession, operation: Operation) -> None:
    """Raise `PermissionDenied` (saying why) unless the signed-in user's role holds `operation`."""
    if not session.may(operation):
        raise PermissionDenied(denial(session.role, operation))


def require_any(session: UserSession, *operations: Operation) -> None:
    """Raise `PermissionDenied` (naming the first) unless the user's role holds at least one of `operations`."""
    if not any(session.may(o) for o in operations):
        raise PermissionDenied(denial(session.role, operations[0]))


class RoleService:
    """The grants of each role, as stored in the workspace; only administrators may read or change them."""

    def __init__(self, session: UserSession) -> None:
        require(session, Operation.MANAGE_USERS)
        self.session = session

    def grants(self) -> dict[Role, frozenset[Operation]]:
        with self.session.workspace.sessions() as s:
            return grants_from_json(read_setting(s, ROLE_GRANTS_SETTING))

    def set_grants(self, role: Role, operations: frozenset[Operation]) -> None:
        """Replace what `role` may do; administrators always keep everything. Audited with what changed."""
        if role is Role.ADMINISTRATOR:
            raise UsageError("Administrators always hold every permission; choose another role.")
        with self.session.workspace.sessions() as s, s.begin():
            current: Grants = grants_from_json(read_setting(s, ROLE_GRANTS_SETTING))
            granted, revoked = changed(current[role], operations)
            if not granted and not revoked:
                return
            write_setting(s, ROLE_GRANTS_SETTING, grants_to_json({**current, role: operations}))
            audit.append(s, self.session.user_name, "role.grants", "role", None, role=role.value,
                         granted=granted, revoked=revoked)

    def reset(self, role: Role) -> None:
        """Give `role` the default grants of the issue's table again."""
        self.set_grants(role, DEFAULT_GRANTS[role])
