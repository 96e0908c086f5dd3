#!/usr/bin/env bash
# Smoke-run the production stack without Docker: the compose entrypoint (wait for the database,
# migrate, collectstatic, load_seed) and gunicorn against PostgreSQL with DJANGO_DEBUG=0, then
# requests to the API, the API docs, the admin login and /healthz, then a clean stop (SIGTERM).
# CI runs it (.ci/run); an administrator can run it to check a server before going live.
#
#   SMOKE_PG=postgres://postgres@127.0.0.1:5432   server to create the throw-away database on
#   SMOKE_DB=ct_smoke  SMOKE_PORT=8103
set -euo pipefail
cd "$(dirname "$0")/.."

PG="${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}"
DB="${SMOKE_DB:-ct_smoke}"
PORT="${SMOKE_PORT:-8103}"
BASE="http://127.0.0.1:${PORT}"
VENV_BIN="$(pwd)/.venv/bin"
export PGOPTIONS="--client-min-messages=warning"
WORK="$(mktemp -d)"
LOG="$WORK/gunicorn.log"
SERVER_PID=""

fail() {
    echo "smoke: FAILED: $*" >&2
    echo "--- server log ---" >&2
    tail -n 60 "$LOG" >&2 || true
    exit 1
}

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
psql "$PG/postgres" -qc "CREATE DATABASE \"$DB\"" >/dev/null

# The production environment, as .env.example describes it, behind a (simulated) TLS proxy.
export PATH="$VENV_BIN:$PATH"
export DJANGO_DEBUG=0
DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1
export DATABASE_URL="$PG/$DB"
export DJANGO_BEHIND_PROXY=1
export DJANGO_STATIC_ROOT="$WORK/static"
export PORT GUNICORN_WORKERS=2 GUNICORN_BIND="127.0.0.1:${PORT}"
export CASETRACKER_LOAD_SEED=1

echo "smoke: starting docker/entrypoint.sh (gunicorn on port $PORT, database $DB)"
docker/entrypoint.sh >"$LOG" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 120); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited during start-up"
    if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then break; fi
    sleep 1
done
curl -fsS -o /dev/null "$BASE/healthz" || fail "/healthz did not answer within 120s"
grep -q "entrypoint: loading the seed data" "$LOG" || fail "the entrypoint did not load the seed data"

# Like the proxy: HTTPS was terminated in front, so the request arrives with X-Forwarded-Proto.
get() { curl -sS -o "$WORK/body" -w '%{http_code}' -H 'X-Forwarded-Proto: https' -H "Host: localhost" "$BASE$1"; }

for path in /api/v1/ /api/docs/ /admin/login/ /healthz; do
    code="$(get "$path")"
    [ "$code" = 200 ] || fail "GET $path answered $code, expected 200: $(head -c 300 "$WORK/body")"
    echo "smoke: GET $path -> $code"
done

code="$(get /api/v1/persons/)"
[ "$code" = 200 ] && grep -q 'Kozlov' "$WORK/body" || fail "the seed data is not served by /api/v1/persons/ ($code)"
echo "smoke: GET /api/v1/persons/ -> 200 with the seed data"

# Static files come from whitenoise with hashed names (admin CSS, Swagger UI from the sidecar).
get /admin/login/ >/dev/null
css="$(grep -o '/static/admin/css/base\.[0-9a-f]*\.css' "$WORK/body" | head -n1)"
[ -n "$css" ] || fail "the admin login page does not link a hashed stylesheet"
code="$(get "$css")"
[ "$code" = 200 ] || fail "GET $css answered $code"
echo "smoke: GET $css -> $code (whitenoise, hashed name)"
get /api/docs/ >/dev/null
grep -Eq 'https?://' <(grep -Eo '(src|href)="[^"]*"' "$WORK/body") && fail "/api/docs/ loads assets from another site"
assets="$(grep -Eo '(src|href)="/static/[^"]*"' "$WORK/body" | cut -d'"' -f2)"
[ "$(echo "$assets" | grep -c .)" -ge 3 ] || fail "/api/docs/ does not link its Swagger UI assets from /static/"
for asset in $assets; do
    code="$(get "$asset")"
    [ "$code" = 200 ] || fail "GET $asset (Swagger UI asset) answered $code"
done
echo "smoke: Swagger UI assets served locally ($(echo "$assets" | grep -c .) files)"

# Production protections are on: plain HTTP is redirected, HSTS is sent.
code="$(curl -sS -o /dev/null -w '%{http_code}' -H "Host: localhost" "$BASE/admin/login/")"
[ "$code" = 301 ] || fail "plain HTTP was not redirected to HTTPS ($code)"
curl -sS -D - -o /dev/null -H 'X-Forwarded-Proto: https' -H "Host: localhost" "$BASE/api/v1/" \
    | grep -qi '^strict-transport-security: max-age=31536000' || fail "no HSTS header"
code="$(curl -sS -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' -H "Host: evil.example" "$BASE/api/v1/")"
[ "$code" = 400 ] || fail "a request for an unlisted host answered $code, expected 400"
echo "smoke: HTTP -> HTTPS redirect, HSTS and host validation on"

echo "smoke: stopping gunicorn (SIGTERM to $SERVER_PID)"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 30); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then fail "gunicorn still running 30s after SIGTERM"; fi
set +e
wait "$SERVER_PID"
status=$?
set -e
SERVER_PID=""
[ "$status" = 0 ] || fail "gunicorn exited with status $status after SIGTERM"
grep -q "Shutting down: Master" "$LOG" || fail "gunicorn did not log a clean shutdown"
if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then fail "something still answers on port $PORT"; fi
echo "smoke: gunicorn stopped cleanly (exit 0)"
echo "smoke: OK"
