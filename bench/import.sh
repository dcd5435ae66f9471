#!/usr/bin/env bash
# Import figure: `kefu import orders` of a generated CSV (ROWS order lines,
# 4 lines per order, customers linked by external id) into a fresh SQLite
# database, release build.  Prints rows/s; never passes or fails on it.
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
start=$(date +%s.%N)
"$bin" import orders "$tmp/orders.csv" --db "$tmp/b.db" > "$tmp/out.txt"
end=$(date +%s.%N)
python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); r=int(sys.argv[3]); print(f'kefu import orders: {r} rows ({r//4} orders) in {s:.2f} s = {r/s:,.0f} rows/s (SQLite, one transaction, durable commit)')" "$start" "$end" "$rows"
tail -1 "$tmp/out.txt"
