#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian machine (Python 3.11+), used by demo.sh and test.sh:
# Debian packages, the virtualenv and saferplan's Python packages. Quick when nothing changed.
#   scripts/setup.sh            runtime needs (demo)
#   scripts/setup.sh --test     also what the test suite needs (PostgreSQL server, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@";
  elif command -v sudo >/dev/null; then sudo "$@";
  else echo "error: need root (or sudo) to run: $*" >&2; return 1; fi
}

# Debian packages: WeasyPrint needs Pango; the test suite needs a PostgreSQL server, and
# LibreOffice (headless) to open the Word documents as a real word processor does.
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if (( want_test )); then
  packages+=(postgresql poppler-utils chromium libreoffice-writer-nogui)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3-venv is only needed where the interpreter lacks the venv module.
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if (( ${#missing[@]} )); then
  section "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Python: a virtualenv in .venv, reinstalled only when pyproject.toml changes.
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "error: saferplan needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version))" >&2; exit 1; }
if [[ ! -x .venv/bin/python ]]; then
  section "Creating the virtualenv (.venv)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.saferplan-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  section "Installing Python packages (pip install -e '.[dev]')"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
fi

# Front-end assets, once the web app brings a build step.
if [[ -x scripts/assets.sh ]]; then
  scripts/assets.sh
fi
