#!/usr/bin/env bash
# Installs what sohoa needs on a fresh Debian machine: system packages (when missing and we are root)
# and a virtualenv with the project and its dev tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

need_apt=()
command -v tesseract >/dev/null || need_apt+=(tesseract-ocr tesseract-ocr-vie)
[ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || need_apt+=(tesseract-ocr-vie)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# handwriting fonts the digit reader never trained on: the tests and the sample generator write with them
[ -f /usr/share/fonts/truetype/fifthhorseman/dkg.ttf ] || need_apt+=(fonts-dkg-handwriting)
[ -f /usr/share/fonts/truetype/sjfonts/SteveHand.ttf ] || need_apt+=(fonts-sjfonts)
command -v unpaper >/dev/null || need_apt+=(unpaper)  # OCRmyPDF --clean (bench/accuracy.py)
command -v gs >/dev/null || need_apt+=(ghostscript)  # OCRmyPDF
if [ "${SOHOA_SKIP_BROWSER:-0}" != 1 ]; then command -v chromium >/dev/null || need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: ${need_apt[*]}" >&2
    exit 1
  fi
fi

stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -c constraints.txt -e ".[dev]"
  touch "$stamp"
fi
