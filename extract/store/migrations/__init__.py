"""The Alembic migrations of the fact database (``env.py``, ``versions/``), run by :mod:`extract.store.migrate`."""
