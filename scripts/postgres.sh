#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on localhost with a 'saferplan' role that may create
# databases (the test runner creates its own). Prints the DATABASE_URL to use on stdout.
# Works when a server is already running, when one is installed but stopped, and on a machine
# with none (installs Debian's package). Safe to run repeatedly.
set -euo pipefail
PGPORT=${PGPORT:-5432}
URL="postgres://saferplan:saferplan@localhost:${PGPORT}/saferplan"

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/sh -c "$*";
  else sudo -u postgres sh -c "$*"; fi
}

if PGPASSWORD=saferplan psql "$URL" -tAc 'SELECT 1' >/dev/null 2>&1; then
  echo "$URL"; exit 0
fi

if ! pg_isready -q -h localhost -p "$PGPORT" 2>/dev/null; then
  if ! command -v pg_lsclusters >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "Installing PostgreSQL (Debian package)…" >&2
    if [[ $(id -u) -eq 0 ]]; then apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2;
    else sudo apt-get update -qq >&2; sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2; fi
  fi
  cluster=$(pg_lsclusters -h 2>/dev/null | awk -v port="$PGPORT" '$3 == port {print $1" "$2; exit}')
  if [[ -z "$cluster" ]]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    echo "Creating PostgreSQL cluster $version/saferplan on port $PGPORT…" >&2
    if [[ $(id -u) -eq 0 ]]; then pg_createcluster -p "$PGPORT" "$version" saferplan >&2;
    else sudo pg_createcluster -p "$PGPORT" "$version" saferplan >&2; fi
    cluster="$version saferplan"
  fi
  echo "Starting PostgreSQL cluster $cluster…" >&2
  if [[ $(id -u) -eq 0 ]]; then pg_ctlcluster $cluster start >&2 || true;
  else sudo pg_ctlcluster $cluster start >&2 || true; fi
  for _ in $(seq 1 30); do pg_isready -q -h localhost -p "$PGPORT" && break; sleep 1; done
  pg_isready -q -h localhost -p "$PGPORT" || { echo "error: PostgreSQL did not start" >&2; exit 1; }
fi

as_postgres "psql -p $PGPORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'saferplan'\"" | grep -q 1 \
  || as_postgres "psql -p $PGPORT -qc \"CREATE ROLE saferplan LOGIN PASSWORD 'saferplan' CREATEDB\"" >&2
as_postgres "psql -p $PGPORT -tAc \"SELECT 1 FROM pg_database WHERE datname = 'saferplan'\"" | grep -q 1 \
  || as_postgres "createdb -p $PGPORT -O saferplan saferplan" >&2
PGPASSWORD=saferplan psql "$URL" -tAc 'SELECT 1' >/dev/null
echo "$URL"
