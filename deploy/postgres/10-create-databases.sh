#!/bin/bash
# First start of the PostgreSQL volume only (docker-entrypoint-initdb.d): two databases, two
# owners. Airflow's metadata and the sohoa warehouse never share a database (docs/DESIGN.md).
set -euo pipefail
: "${AIRFLOW_DB_PASSWORD:?set AIRFLOW_DB_PASSWORD in .env}"
: "${SOHOA_DB_PASSWORD:?set SOHOA_DB_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v airflow_pw="$AIRFLOW_DB_PASSWORD" -v sohoa_pw="$SOHOA_DB_PASSWORD" <<'SQL'
CREATE ROLE airflow LOGIN PASSWORD :'airflow_pw';
CREATE DATABASE airflow OWNER airflow;
CREATE ROLE sohoa LOGIN PASSWORD :'sohoa_pw';
CREATE DATABASE sohoa OWNER sohoa;
SQL
