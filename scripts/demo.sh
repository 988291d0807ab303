#!/usr/bin/env bash
# Set everything up, load the bundled London data, build the demo partnership's documents,
# then serve the web app on localhost (saferplan serve).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/saferplan demo "$@"
exec .venv/bin/saferplan serve
