#!/usr/bin/env bash
# CLV figures (analytics/clv.c): the BG/NBD + Gamma-Gamma fits on the CDNOW
# sample (best of 20), and on CUSTOMERS synthetic customers drawn from the
# CDNOW estimates (summary of the purchase log, both fits, valuing everyone).
# Release build; prints figures, never passes or fails on them.
#
#   bench/clv.sh [CUSTOMERS] [SEED]
# KF_DATA_DIR: the shared data directory (default tests/data, the copies in the repository).
# KF_BENCH_DB=path also runs the clv report on that SQLite database as of
# now (it is migrated if it needs to be: give it a copy, e.g.
# sqlite3 /work/bigdb/kefu.db ".backup /tmp/big.db").
set -euo pipefail
cd "$(dirname "$0")/.."
data=${KF_DATA_DIR:-tests/data}
[ -f "$data/cdnow/cdnow_customers_summary_with_transactions.csv" ] || { echo "clv.sh: no CDNOW data in $data (set KF_DATA_DIR)" >&2; exit 1; }
make --no-print-directory -s build/rel/bench/clv_bench
echo "kefu $(cat VERSION) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
build/rel/bench/clv_bench "$data" "${1:-1000000}" "${2:-1}"
if [ -n "${KF_BENCH_DB:-}" ]; then
	build/rel/bench/clv_bench --report "$KF_BENCH_DB"
fi
