#!/usr/bin/env bash
# The whole test suite, after doing every set-up step itself:
# lint and format (ruff), types (mypy), pytest on SQLite, then the database tests again on a
# real PostgreSQL server on localhost (started, or installed, here if none is running).
set -euo pipefail
cd "$(dirname "$0")/.."
section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

scripts/setup.sh --test

section "ruff (lint and format)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

section "mypy"
.venv/bin/mypy src/saferplan

section "pytest (SQLite)"
export SAFERPLAN_DATA
SAFERPLAN_DATA=$(mktemp -d -t saferplan-test-XXXXXX)
trap 'rm -rf "$SAFERPLAN_DATA"' EXIT
.venv/bin/pytest -p no:cacheprovider "$@"

section "pytest (PostgreSQL: the database tests again)"
DATABASE_URL=$(scripts/postgres.sh)
export DATABASE_URL
.venv/bin/pytest -p no:cacheprovider -m database "$@"
