#!/usr/bin/env bash
# Run `airflow dags test DAG_ID --conf JSON` with its chatter in a log file; fail if the run failed.
set -euo pipefail
dag_id=$1 conf=$2 logfile=$3
bin=$(dirname "$0")/../.venv/bin
if ! "$bin/airflow" dags test "$dag_id" --conf "$conf" >"$logfile" 2>&1; then
  tail -n 60 "$logfile"; echo "airflow dags test failed (full log: $logfile)" >&2; exit 1
fi
if grep -Eq "DagRun Finished: .*state=failed|Marking run <DagRun .* failed" "$logfile"; then
  grep -E "ERROR|Traceback|Error" "$logfile" | tail -n 30
  echo "the DAG run failed (full log: $logfile)" >&2; exit 1
fi
