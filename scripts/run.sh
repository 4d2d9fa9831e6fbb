#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds SSE Dashboard and starts the dashboard.
# Extra arguments go to sse-dashboard (for example --bind 0.0.0.0 --port 8080, or --headless).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

cmake --preset ci
cmake --build --preset ci
exec build/app/sse-dashboard "$@"
