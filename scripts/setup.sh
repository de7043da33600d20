#!/usr/bin/env bash
# One-time setup on a fresh machine: a virtualenv with HP Assist and its test tools.
# llama-cpp-python compiles from source the first time (~14 min on 2 cores); pip keeps the built
# wheel in its cache (~/.cache/pip), so later runs on the same machine install it in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" .venv/bin/python -m pip install --quiet -e ".[dev]"
# The browser test drives Debian's Chromium through Playwright (no browser download); the CJK fonts
# let screenshots show Korean.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
