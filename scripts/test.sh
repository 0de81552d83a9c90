#!/usr/bin/env bash
# The test command (README.md, and .ci/run runs exactly this): installs what the tests need on a fresh Debian
# machine, then runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."

# g++/make/python3: better-sqlite3 compiles its native addon with node-gyp when no prebuilt binary can be fetched.
# bubblewrap: training jobs see their directory at /opt/ml, and a store is mounted read-only in its test.
# /usr/bin/python3 with venv and pip: Python entry points and requirements.txt environments in the training-job
# tests. python3-pandas: the analytics table is checked to read into the dataframe the seed's code expects.
# python3-torch: the MRPC example (run_glue.py) is trained and tuned for real.
# chromium: the console's browser tests (through playwright-core; no browser is downloaded).
NEED=(g++ make python3 python3-venv python3-pip bubblewrap python3-pandas python3-torch chromium)
missing=()
for pkg in "${NEED[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "scripts/test.sh: the tests need these Debian packages, which only root can install: ${missing[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

npm ci
npm test
