"""Alembic environment: migrates the connection `storage.migrate` hands over (never a URL from a file)."""

from alembic import context

from ecrm_desktop.storage.migrate import include_object
from ecrm_desktop.storage.tables import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True, include_object=include_object)
with context.begin_transaction():
    context.run_migrations()
