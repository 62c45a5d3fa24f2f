"""Alembic's environment: runs the revisions on the connection that :mod:`extract.store.migrate` passes in
``config.attributes["connection"]``, inside that connection's transaction (which holds the write lock),
so a failed upgrade leaves the database as it was."""

from alembic import context

from extract.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations with `zhibiao db upgrade` (extract.store.migrate), not alembic")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
