#!/usr/bin/env bash
# Refreshes docs/screenshots: runs the explorers' end-to-end test (dashboard in headless
# Chromium) with its screenshots written into the checkout instead of the log folder.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"
export DEPIN_SCREENSHOT_DIR="$REPO_ROOT/docs/screenshots"
export DEPIN_E2E_LOG_DIR="${DEPIN_E2E_LOG_DIR:-$(mktemp -d /tmp/depin-e2e-logs.XXXXXX)}"
cd "$REPO_ROOT/scripts/e2e"
node --test --test-concurrency=1 tests/explorers.test.mjs
log "screenshots refreshed in docs/screenshots"
