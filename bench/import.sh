#!/usr/bin/env bash
# Import figure: `kefu import orders` of a generated CSV (ROWS order lines,
# 4 lines per order, customers linked by external id) into a fresh SQLite
# database, release build.  Prints rows/s; never passes or fails on it.
# Also prints the CPU seconds the import used (user + system): on a shared,
# noisy machine they vary far less than the wall time.
#
#   bench/import.sh [KEFU_BIN] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
rows=${2:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" init --db "$tmp/b.db" > /dev/null
python3 - "$tmp" "$rows" <<'PY'
import sys
tmp, rows = sys.argv[1], int(sys.argv[2])
with open(f"{tmp}/customers.csv", "w") as f:
    f.write("external_id,name,phone\n")
    for c in range(1000):
        f.write(f"C{c:05d},客户{c},139{c:08d}\n")
with open(f"{tmp}/orders.csv", "w") as f:
    f.write("order_number,customer_external_id,placed_at,currency,sku,name,category,quantity,unit_price\n")
    for i in range(rows):
        o = i // 4
        f.write(f"SO{o:08d},C{o % 1000:05d},2025-{1 + o % 12:02d}-{1 + o % 28:02d},CNY,SKU-{i % 997},保温杯 {i % 997},家居,{1 + i % 3},{10 + i % 90}.{i % 100:02d}\n")
PY
"$bin" import customers "$tmp/customers.csv" --db "$tmp/b.db" > /dev/null
python3 - "$bin" "$tmp" "$rows" <<'PY'
import os, subprocess, sys, time
binary, tmp, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
before = os.times()
start = time.monotonic()
with open(f"{tmp}/out.txt", "w") as out:
    subprocess.run([binary, "import", "orders", f"{tmp}/orders.csv", "--db", f"{tmp}/b.db"], stdout=out, check=True)
wall = time.monotonic() - start
after = os.times()
cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
print(f"kefu import orders: {rows} rows ({rows // 4} orders) in {wall:.2f} s = {rows / wall:,.0f} rows/s"
      f" (SQLite, one transaction, durable commit); CPU {cpu:.2f} s = {rows / cpu:,.0f} rows per CPU second")
PY
tail -1 "$tmp/out.txt"
