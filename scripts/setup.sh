#!/usr/bin/env bash
# One-time setup on a fresh machine: a virtualenv with HP Assist and its test tools.
#
# llama-cpp-python compiles from source. pip's default build uses -march=native, which on Intel CPUs
# with AMX builds llama.cpp's AMX kernels, and those crash on the bundled Q4_K_M model (SIGSEGV at
# ldtilecfg). So we build it ourselves with explicit vector flags and never AMX (scripts/llama_flags.sh),
# without llama.cpp's unused `common` library (scripts/llama_no_common.cmake), in parallel with the other
# installs, and keep the wheel in ~/.cache/hpassist/wheels under a key of the version and the flags:
# later setups on the same machine install it in seconds, and a wheel built with other flags (pip's own
# cache may hold a native one) is never reused.
set -euo pipefail
cd "$(dirname "$0")/.."
LLAMA_VERSION=0.3.36
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
py=.venv/bin/python
$py -m pip install --quiet --upgrade pip

cache="${XDG_CACHE_HOME:-$HOME/.cache}/hpassist"
mkdir -p "$cache"
cp scripts/llama_no_common.cmake "$cache/llama-no-common.cmake"  # a path that does not move with the clone
flags="$(bash scripts/llama_flags.sh) -DCMAKE_PROJECT_llama.cpp_INCLUDE=$cache/llama-no-common.cmake"
key=$(printf '%s %s %s' "$LLAMA_VERSION" "$flags" "$(sha256sum <scripts/llama_no_common.cmake)" | sha256sum | cut -c1-16)
wheels="$cache/wheels/llama-cpp-python-$LLAMA_VERSION-$key"
log=$(mktemp -t hpassist-llama-build.XXXXXX.log)
build_pid=
if ! ls "$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "Building llama-cpp-python $LLAMA_VERSION (flags: $flags); log: $log"
  (
    set -e
    tmp=$(mktemp -d)
    CMAKE_ARGS="$flags" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
      $py -m pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
      "llama-cpp-python==$LLAMA_VERSION" -w "$tmp"
    mkdir -p "$cache/wheels"
    rm -rf "$wheels.partial" "$wheels" && mv "$tmp" "$wheels.partial" && mv -T "$wheels.partial" "$wheels"
    printf '%s\n' "$flags" >"$wheels/FLAGS"
  ) >"$log" 2>&1 &
  build_pid=$!
fi

# Everything else meanwhile (the compile is CPU-bound, these are mostly downloads).
$py - <<'PY' >.venv/hpassist-requirements.txt
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
    if not requirement.startswith("llama-cpp-python"):
        print(requirement)
PY
$py -m pip install --quiet -r .venv/hpassist-requirements.txt
# The browser test drives Debian's Chromium through Playwright (no browser download); the CJK fonts
# let screenshots show Korean.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi

if [ -n "$build_pid" ] && ! wait "$build_pid"; then
  echo "Building llama-cpp-python failed; the end of its log ($log):" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
wheel=$(ls "$wheels"/llama_cpp_python-*.whl)
# Reinstall when the venv holds another build of the same version (say, an earlier native one).
if [ "$(cat .venv/hpassist-llama-wheel 2>/dev/null)" != "$key" ]; then
  $py -m pip install --quiet --force-reinstall --no-deps "$wheel"
  $py -m pip install --quiet "${wheel}[server]"
  echo "$key" >.venv/hpassist-llama-wheel
fi
$py -m pip install --quiet -e ".[dev]"
