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
# postgresql: the PostgreSQL store's contract and the service tests (each makes and drops its own database).
# python3-boto3, awscli, python3-matplotlib: real SageMaker clients against tunekit serve's SageMaker API, and the
# notebook example's plots (the first python3 on PATH must have boto3; a Python that has it already is used).
# redis-server (and redis-cli, in redis-tools): the worker tests start their own on a free port; iproute2: their
# network-namespace test (`ip netns`, as root).
NEED=(g++ make python3 python3-venv python3-pip bubblewrap python3-pandas python3-torch chromium postgresql
  python3-boto3 awscli python3-matplotlib redis-server redis-tools iproute2)
missing=()
for pkg in "${NEED[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then
    :
  else
    echo "scripts/test.sh: the tests need these Debian packages, which only root can install: ${missing[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# The tests reach PostgreSQL at 127.0.0.1:5432 as user postgres (TUNEKIT_TEST_POSTGRES to use another server).
if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

npm ci
npm test
