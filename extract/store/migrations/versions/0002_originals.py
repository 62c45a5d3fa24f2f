"""Revision 2: the originals move into the database (``originals`` and ``original_chunks``).

Data migration: every document whose ``file_path`` names a kept file is looked up in the folder where
the releases before kept them (:func:`~extract.store.files.legacy_files_dir`: ``$ZHIBIAO_FILES_DIR``,
else ``files/`` beside a SQLite database, else data/files); a file whose sha256 is the document's is
stored in chunks, as :meth:`~extract.store.Store.keep_file` does. A file that is missing or changed is
noted and its document kept (its source page cannot be shown). The folder is left as it was: once the
upgrade is committed it is no longer read and may be removed.
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

from extract.files import file_sha256
from extract.store.files import legacy_files_dir, read_chunks, store_bytes

revision = "0002_originals"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

#: how many missing files are named one by one in the note (the rest are counted)
NAMED = 10


def upgrade() -> None:
    op.create_table(
        "originals",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("suffix", sa.String(16), nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
    )
    op.create_table(
        "original_chunks",
        sa.Column(
            "sha256", sa.String(64), sa.ForeignKey("originals.sha256", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    _move_files_in()


def _move_files_in() -> None:
    bind = op.get_bind()
    note = context.config.attributes.get("note") or print
    folder = legacy_files_dir(bind.engine.url.render_as_string(hide_password=False))
    docs = bind.execute(
        sa.text("SELECT name, sha256, file_path FROM documents WHERE file_path != '' ORDER BY id")
    ).all()
    moved, lost = 0, []
    for name, sha256, file_path in docs:
        path = Path(file_path) if Path(file_path).is_absolute() else folder / file_path
        if not path.is_file() or file_sha256(path) != sha256:
            lost.append(str(name))
            continue
        store_bytes(bind, sha256, path.suffix.lower()[:8], read_chunks(path))
        moved += 1
    if docs:
        note(f"moved {moved} of {len(docs)} originals from {folder} into the database")
    if lost:
        named = ", ".join(lost[:NAMED]) + (f" and {len(lost) - NAMED} more" if len(lost) > NAMED else "")
        note(
            f"{len(lost)} originals were missing or changed in {folder}; their documents and facts are "
            f"kept, but their source pages cannot be shown: {named}"
        )


def downgrade() -> None:
    op.drop_table("original_chunks")
    op.drop_table("originals")
