#!/usr/bin/env bash
# Web workspace figures in a real browser: inbox first page visible, ticket page visible, JS + CSS
# transferred.  Headless Debian Chromium (playwright-core) against kefu serve on DB.  Prints the
# figures; never passes or fails on them.
#
#   bench/web.sh [KEFU_BIN] DB [RUNS]     e.g. bench/web.sh build/rel/kefu /work/bigdb/kefu.db 10
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
db=${2:?usage: bench/web.sh [KEFU_BIN] DB [RUNS]}
runs=${3:-10}
[ -d node_modules ] || scripts/deps.sh
KF_TEST_BIN=$bin exec node tests/browser/perf.mjs --db "$db" --runs "$runs"
