#!/usr/bin/env bash
# Set everything up, load the bundled London data and show the results; then serve the web
# app on localhost once it exists (saferplan serve).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/saferplan demo "$@"
if .venv/bin/saferplan --help 2>/dev/null | grep -q ' serve '; then
  exec .venv/bin/saferplan serve
fi
