#!/usr/bin/env bash
# Front-end assets: GOV.UK Frontend from the npm registry (pinned in frontend/package-lock.json),
# compiled brand-neutral with Sass. Nothing from the npm packages is committed. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if ! command -v npm >/dev/null; then
  echo "Installing Node.js and npm (Debian packages)…"
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm;
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; fi
fi
stamp=node_modules/.saferplan-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "Installing front-end packages (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
if [[ ! -f build/saferplan.css || src/saferplan.scss -nt build/saferplan.css || $stamp -nt build/saferplan.css ]]; then
  npm run --silent build 2>/dev/null
fi
