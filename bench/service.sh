#!/usr/bin/env bash
# bench/service.sh - service-level KPI figures over 10,000,000 orders and
# 1,000,000 customers on SQLite (docs/benchmarks.md, "Service level").
#
#   bench/service.sh [ORDERS [CUSTOMERS]]
#
# The database is a bench fixture kept outside the repository, in
# $KF_BENCH_DIR (default /tmp/kefu-bench), and reused when it exists
# (delete it to regenerate; about 6 GB at full size).  Each run appends
# 10,000 orders to it for the refresh figure.
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-10000000}
customers=${2:-1000000}
dir=${KF_BENCH_DIR:-/tmp/kefu-bench}
mkdir -p "$dir"
db="$dir/service-$orders.db"
make --no-print-directory -s build/rel/bench/service_bench
df -h "$dir" | tail -1 | awk '{print "free space in '"$dir"': " $4}'
echo "database: $db"
build/rel/bench/service_bench "$db" "$orders" "$customers"
