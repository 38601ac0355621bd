"""The pipeline steps that both `sohoa run` and the Airflow DAG call.

intake → process → load → report.
"""
