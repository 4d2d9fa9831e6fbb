#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds SSE Dashboard and runs every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/install-e2e-deps.sh

cmake --preset ci
cmake --build --preset ci
ctest --preset ci
