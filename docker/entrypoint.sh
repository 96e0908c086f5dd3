#!/bin/sh
# Start casetracker in production: wait for the database, migrate (which also syncs the staff
# roles), collect static files, load the seed data once (idempotent), then exec the command
# given (by default gunicorn; see Dockerfile CMD). docker-compose and CI's smoke run use this.
#
#   CASETRACKER_LOAD_SEED=0   skip loading the Zhanaozen seed data
#   DB_WAIT_TIMEOUT=60        seconds to wait for the database
set -eu

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

echo "entrypoint: waiting for the database"
"$PYTHON" manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-60}"

echo "entrypoint: migrating"
"$PYTHON" manage.py migrate --no-input

echo "entrypoint: collecting static files"
"$PYTHON" manage.py collectstatic --no-input --verbosity 0

if [ "${CASETRACKER_LOAD_SEED:-1}" = "1" ]; then
    echo "entrypoint: loading the seed data (idempotent)"
    "$PYTHON" manage.py load_seed
fi

echo "entrypoint: building the search index if it is empty"
"$PYTHON" manage.py rebuild_search_index --if-empty --verbosity 0

if [ "$#" -eq 0 ]; then
    set -- gunicorn --config docker/gunicorn.conf.py casetracker.wsgi:application
fi
echo "entrypoint: starting $*"
exec "$@"
