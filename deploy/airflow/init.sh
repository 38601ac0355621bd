#!/usr/bin/env bash
# airflow-init (one shot, before every other Airflow service): metadata migrations, the admin
# user, the OCR pool, the warehouse migrations. Safe to run again on every `docker compose up`.
set -euo pipefail
: "${AIRFLOW_ADMIN_PASSWORD:?set AIRFLOW_ADMIN_PASSWORD in .env}"

airflow db migrate
if ! airflow users list -o plain 2>/dev/null | grep -qw "${AIRFLOW_ADMIN_USER:-admin}"; then
  airflow users create --role Admin \
    --username "${AIRFLOW_ADMIN_USER:-admin}" --password "$AIRFLOW_ADMIN_PASSWORD" \
    --firstname Admin --lastname Sohoa --email "${AIRFLOW_ADMIN_EMAIL:-admin@example.invalid}"
fi
# Each OCR task takes one slot: the pool bounds concurrent Tesseract work across all workers.
airflow pools set "${SOHOA_OCR_POOL:-sohoa_ocr}" "${SOHOA_OCR_POOL_SLOTS:-4}" \
  "Tesseract slots (one process_chunk task each)"
sohoa db upgrade
