#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium (playwright-core never downloads a browser here).
# Installs it when missing and we may; otherwise says exactly what to run.
set -euo pipefail
CHROMIUM="${RETROVUE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the end-to-end tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The end-to-end tests need Chromium at $CHROMIUM: run 'sudo apt-get install -y chromium' (or set RETROVUE_CHROMIUM)." >&2
exit 1
