#!/usr/bin/env bash
# bench/demo.sh: time `kefu demo --customers N` (default 200000) on a
# fresh SQLite database in a temporary directory; prints the counts,
# seconds and rows/s, and the CPU seconds the command used (user and
# system): on a shared, noisy machine the wall clock includes waiting
# for the other processes, the CPU time much less so.  Figures only,
# never pass/fail.
#
#   bench/demo.sh [CUSTOMERS] [BIN]      (BIN default build/rel/kefu)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
bin=$(realpath "${2:-build/rel/kefu}")
[ -x "$bin" ] || make "${2:-build/rel/kefu}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/kefu-bench-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$bin" init --db "$dir/kefu.db" >/dev/null
start=$(date +%s.%N)
TIMEFORMAT='bench/demo.sh: kefu demo used %U s user + %S s system CPU'
time "$bin" demo --customers "$n" --seed 1 --db "$dir/kefu.db" | sed -n '1,/rows in/p'
end=$(date +%s.%N)
size=$(du -sh "$dir" | cut -f1)
echo "bench/demo.sh: $n customers in $(echo "$end - $start" | bc) s wall clock; database $size on $(nproc) cores"
