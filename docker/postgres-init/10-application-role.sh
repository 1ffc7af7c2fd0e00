#!/bin/sh
# Run once by the postgres image when the database is first created (docker-entrypoint-initdb.d).
# The tables belong to POSTGRES_USER, which only the migrate service uses. Web, worker and beat
# connect as safer_app, which owns nothing; migrate grants it its rights on every run, with only
# INSERT and SELECT on the audit table.
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$POSTGRES_APP_PASSWORD" \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE safer_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
