#!/usr/bin/env bash
# Run `airflow dags test DAG_ID --conf JSON` with its chatter in a log file; fail if the run failed.
# The run's state is read from the metadata database (SQLite under $AIRFLOW_HOME), not from the log.
set -euo pipefail
dag_id=$1 conf=$2 logfile=$3
bin=$(dirname "$0")/../.venv/bin
if ! "$bin/airflow" dags test "$dag_id" --conf "$conf" >"$logfile" 2>&1; then
  tail -n 60 "$logfile"; echo "airflow dags test failed (full log: $logfile)" >&2; exit 1
fi
state=$("$bin/python" - "$dag_id" <<'PY'
import os, sqlite3, sys
db = os.path.join(os.environ["AIRFLOW_HOME"], "airflow.db")
row = sqlite3.connect(db).execute(
    "SELECT state FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1", (sys.argv[1],)
).fetchone()
print(row[0] if row else "missing")
PY
)
if [ "$state" != success ]; then
  grep -E "ERROR|Traceback|Error" "$logfile" | tail -n 30
  echo "the $dag_id run ended '$state' (full log: $logfile)" >&2; exit 1
fi
