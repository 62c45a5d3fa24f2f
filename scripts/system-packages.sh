#!/usr/bin/env bash
# Installs the Debian packages the tests need, when missing and when we may (root): Chromium and CJK fonts
# for the browser test; libGL and GLib for OpenCV, which the OCR reader (rapidocr-onnxruntime) imports;
# the PostgreSQL server binaries (initdb, pg_ctl) for the tests' throwaway cluster (tests/pgserver.py), whose
# Debian service is never started: the tests start a cluster of their own.
# With the argument "runtime" (make dashboard): only what the dashboard itself needs (libGL and GLib for
# OCR of uploaded scans), and a failed install is a note, never an error.
set -u
need=()
ldconfig -p 2>/dev/null | grep -q "libGL.so.1" || need+=(libgl1)
ldconfig -p 2>/dev/null | grep -q "libgthread-2.0.so.0" || need+=(libglib2.0-0)
if [ "${1:-}" != "runtime" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "note: ${need[*]} missing and not root: the browser, OCR and PostgreSQL tests may be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# no service may start while installing (the postgresql package would start its own cluster): policy-rc.d
# answers "not allowed" (101) for the duration of the install, unless the machine already has one
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
fi
if [ "${1:-}" = "runtime" ]; then
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } ||
    echo "note: could not install ${need[*]}: OCR of scanned uploads may not work" >&2
  exit 0
fi
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
