#!/usr/bin/env bash
# Installs the npm packages the browser tests use (playwright-core drives Debian's chromium;
# no browser is downloaded). Skips the install when node_modules matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"

if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s package-lock.json node_modules/.lock-stamp; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.lock-stamp
fi
