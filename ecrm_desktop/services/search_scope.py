"""What a role's customer search may match on: the columns of the search index holding what the role may read."""

from __future__ import annotations

from collections.abc import Mapping

from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.search_index import FIELDS

# Index columns that only roles holding the operation may match on (sensitive notes and payment details are
# never indexed at all).
GUARDED_FIELDS: Mapping[str, Operation] = {"notes": Operation.VIEW_NOTES, "orders": Operation.VIEW_ORDERS}


def search_fields(session: UserSession) -> tuple[str, ...] | None:
    """The index columns the signed-in user's searches match in, or None for all of them."""
    hidden = {f for f, operation in GUARDED_FIELDS.items() if not session.may(operation)}
    return tuple(f for f in FIELDS if f not in hidden) if hidden else None
