# The one image of the stack: Airflow 3.3.2 (scheduler, api-server, dag-processor, triggerer,
# Celery workers) and `sohoa serve`, with Tesseract (Vietnamese), poppler and fonts for the pages.
# Build: docker compose build   (or: docker build -t sohoa:latest .)
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie poppler-utils fonts-dejavu-core \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*

USER airflow
WORKDIR /opt/sohoa
# Dependencies first (a code change does not reinstall them), pinned by the project's constraints.
# apache-airflow is named with its version so pip never swaps the image's Airflow for another.
COPY --chown=airflow:root pyproject.toml README.md constraints.txt ./
COPY --chown=airflow:root sohoa ./sohoa
COPY --chown=airflow:root extractors ./extractors
COPY --chown=airflow:root loaders ./loaders
COPY --chown=airflow:root storage ./storage
RUN pip install --no-cache-dir -c constraints.txt "apache-airflow==3.3.2" .

COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root deploy /opt/sohoa/deploy

# Tesseract at one thread per process: parallelism comes from Celery slots and the OCR pool.
ENV OMP_THREAD_LIMIT=1 \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/airflow/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False
WORKDIR /opt/airflow
