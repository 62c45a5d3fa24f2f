#!/usr/bin/env bash
# Rebuilds the embedded default database (data/zhibiao.sqlite, originals included) and the demo
# dataset (data/demo/facts.csv) from real reports in ../shared: the Henan monthly report, the Tencent
# white paper, the NBS province tables and the 18 reports of the development corpus (national,
# provincial and city releases). Run after extractor changes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SHARED=${SHARED:-../shared}
rm -rf data/zhibiao.sqlite data/zhibiao.sqlite-wal data/zhibiao.sqlite-shm data/files
$PY -m extract --db data/zhibiao.sqlite ingest \
  "$SHARED/fixtures/henan-internet-monthly-2020-08.pdf" \
  "$SHARED/fixtures/tencent-cloud-ai-whitepaper-2021.pdf" \
  "$SHARED/data/nbs" \
  "$SHARED"/corpus/*.pdf
$PY - <<'PY'
import sqlite3
con = sqlite3.connect("data/zhibiao.sqlite")
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("VACUUM")
# left in WAL mode, as every Store opens it: opening the committed file then changes no byte of it
# (tests/test_embedded_db.py; CI fails when the tests change the checkout)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.close()
PY
mkdir -p data/demo
$PY -m extract --db data/zhibiao.sqlite export --format csv -o data/demo/facts.csv
