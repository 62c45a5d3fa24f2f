#!/usr/bin/env bash
# Installs the Debian packages the tests need, when missing and when we may (root): Chromium and CJK fonts
# for the browser test; libGL and GLib for OpenCV, which the OCR reader (rapidocr-onnxruntime) imports.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q "libGL.so.1" || need+=(libgl1)
ldconfig -p 2>/dev/null | grep -q "libgthread-2.0.so.0" || need+=(libglib2.0-0)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "note: ${need[*]} missing and not root: the browser and OCR tests may be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
