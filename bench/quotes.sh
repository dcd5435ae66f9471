#!/usr/bin/env bash
# Quote figures through the API (issue 6: >= 20,000 quotes/s on 2 workers):
# POST /api/v1/quotes/preview (priced, not stored) and POST /api/v1/quotes
# (priced and stored durably, batched with other writes) against a 50-zone,
# 20-break card; wrk -t1 -c32 on loopback, SQLite, release build.  Prints
# the figures; never passes or fails on them.
#
#   bench/quotes.sh [KEFU_BIN] [SECONDS] [WORKERS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
secs=${2:-10}
workers=${3:-2}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

db=$tmp/bench.db
"$bin" init --db "$db" > "$tmp/init.txt"
pw=$(sed -n 's/^admin password: //p' "$tmp/init.txt")
# a 50-zone, 20-break card: 4 postcode prefixes per zone, fuel and hazardous surcharges
python3 - > "$tmp/card.csv" <<'PY'
print("card,BENCH,express,zone,CNY,6000,500,800,0,30,200")
for z in range(50):
    print(f"zone,Z{z:02d},0,{1 + z // 10},{2 + z // 10}")
    for p in range(4):
        print(f"match,postcode,{p + 1}{z:02d},Z{z:02d}")
print("match,default,,Z49")
for b in range(20):
    print(f"break,{b * 2000}")
for z in range(50):
    for b in range(20):
        print(f"rate,Z{z:02d},{b * 2000},{1000 + z * 20},{400 - b * 10 + z}")
print("surcharge,fuel,percent,always,1250")
print("surcharge,dangerous,flat,hazardous,3000")
PY
KEFU_DB=$db "$bin" ratecard import bench "$tmp/card.csv" > /dev/null
"$bin" serve --db "$db" --port 0 --workers "$workers" --access_log false > "$tmp/out.txt" 2> "$tmp/err.log" &
pid=$!
port=
for _ in $(seq 300); do
	port=$(sed -n 's|.*listening on http://[^:]*:\([0-9]*\)/.*|\1|p' "$tmp/out.txt")
	[ -n "$port" ] && break
	sleep 0.05
done
base=http://127.0.0.1:$port
jar=$tmp/jar
csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$pw\"}" "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
token=$(curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$base/api/v1/me/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

report() {  # report LABEL WRK-OUTPUT
	local rps p50 p99
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
	p50=$(awk '$1=="50%" {print $2}' <<<"$2")
	p99=$(awk '$1=="99%" {print $2}' <<<"$2")
	printf '%-34s workers=%s  %10s req/s  p50 %-8s p99 %-8s %s\n' "$1" "$workers" "$rps" "$p50" "$p99" "$(grep -o 'status [0-9]*: [0-9]*' <<<"$2" | tr '\n' ' ')"
}
echo "$("$bin" version); $(nproc) cores; wrk -t1 -c32 -d${secs}s; SQLite; card 50 zones x 20 breaks"
body='{"card_id":1,"unit_price":5000,"quantity":3,"weight_g":12300,"length_mm":400,"width_mm":300,"height_mm":250,"declared_value":80000,"destination":{"postcode":"21530"},"terms":"fob_destination"}'
report "POST /api/v1/quotes/preview" "$(BODY=$body TOKEN=$token wrk -t1 -c32 -d"${secs}s" --latency -s bench/wrk_post.lua "$base/api/v1/quotes/preview")"
report "POST /api/v1/quotes (stored)" "$(BODY=$body TOKEN=$token wrk -t1 -c32 -d"${secs}s" --latency -s bench/wrk_post.lua "$base/api/v1/quotes")"
