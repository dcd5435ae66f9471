#!/usr/bin/env bash
# Customer-value figures: RFM + ABC (with loyalty and lifecycle, which the
# same pass computes) over CUSTOMERS customers and ORDERS orders on SQLite,
# release build.  Prints seconds; never passes or fails on them.
#
#   bench/value.sh [KEFU_BIN] [CUSTOMERS] [ORDERS]      (default 1000000 10000000)
#
# KEEP_DB=FILE keeps a copy of the generated database; DB=FILE uses such a
# copy (a scratch copy of it) instead of generating one.
#
# The database is generated with SQL (WITH RECURSIVE) into a temporary
# directory: customers 1..N, orders with a random customer, a random day in
# the last three years, a random total (one order in 50 large, so revenue is
# skewed as ABC expects) and one in 40 cancelled.  The order indexes are
# dropped during the load and rebuilt after it, as a bulk load would.
# Then, each timed on its own (wall seconds and CPU seconds of the process):
#   1. kefu analytics recompute --dry-run   the pass: read + RFM + ABC + loyalty + stage, no writes
#   2. kefu analytics recompute             first run: every customer_value row and tier/stage written
#   3. kefu analytics recompute             second run, same data: nothing changed, nothing written
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
customers=${2:-1000000}
orders=${3:-10000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/v.db"
generate() {
"$bin" init --db "$db" > /dev/null
now=$(date +%s)
start=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
DROP INDEX orders_customer;
DROP INDEX orders_placed;
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $customers)
INSERT INTO customers (id, name, created_at, updated_at) SELECT i, 'customer ' || i, 0, 0 FROM c;
WITH RECURSIVE o(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM o WHERE i < $orders)
INSERT INTO orders (id, number, customer_id, status, placed_at, total_minor, created_at, updated_at)
SELECT i, 'B' || i, 1 + abs(random()) % $customers,
       CASE WHEN abs(random()) % 40 = 0 THEN 'cancelled' ELSE 'delivered' END,
       $now - abs(random()) % (3 * 365 * 86400),
       500 + abs(random()) % 20000 + CASE WHEN abs(random()) % 50 = 0 THEN abs(random()) % 2000000 ELSE 0 END,
       0, 0
FROM o;
COMMIT;
CREATE INDEX orders_customer ON orders (customer_id, placed_at);
CREATE INDEX orders_placed ON orders (placed_at);
ANALYZE;
SQL
load=$(echo "$(date +%s.%N) - $start" | bc)
printf 'generated %d customers and %d orders in %.1f s (%s MiB)\n' "$customers" "$orders" "$load" \
	"$(( $(stat -c %s "$db") / 1048576 ))"
if [ -n "${KEEP_DB:-}" ]; then sqlite3 "$db" ".backup '$KEEP_DB'"; fi
}
if [ -n "${DB:-}" ]; then
	sqlite3 "$DB" ".backup '$db'"
	echo "using a copy of $DB: $(sqlite3 "$db" 'SELECT COUNT(*) FROM customers') customers," \
		"$(sqlite3 "$db" 'SELECT COUNT(*) FROM orders') orders"
else
	generate
fi

# run LABEL ARGS...: the command's own line, then wall and CPU seconds.
run() {
	local label=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$bin" analytics recompute --db "$db" "$@"
	read -r wall user sys rss < "$tmp/time"
	printf '%-44s wall %6.2f s  cpu %6.2f s  max RSS %d MiB\n' "$label" "$wall" \
		"$(echo "$user + $sys" | bc)" "$((rss / 1024))"
}
run "RFM + ABC pass (dry run, no writes)" --dry-run
run "recompute, first run (writes everything)"
run "recompute, second run (nothing changed)"
