#!/usr/bin/env bash
# Service-desk figures: create a ticket durably (synchronous=FULL semantics:
# the answer is sent only after the WAL is fsynced, by group commit), GET a
# ticket by id, the public tracking lookup, queue counts and the inbox
# first page.  Ticket creation is measured twice: with --batch-writers 0
# (each request its own commit) and with the default write batcher (many
# requests per durable commit).  wrk -t1 -c32 on loopback, SQLite, release build.  Prints the
# figures; never passes or fails on them.
#
#   bench/desk.sh [KEFU_BIN] [SECONDS] [WORKERS]
# KF_BENCH_DB=path uses an existing database (e.g. a large demo one) instead
# of a fresh one; its admin password must be in KF_BENCH_PASSWORD.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
secs=${2:-10}
workers=${3:-2}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

db=${KF_BENCH_DB:-}
pw=${KF_BENCH_PASSWORD:-}
if [ -z "$db" ]; then
	db=$tmp/bench.db
	"$bin" init --db "$db" > "$tmp/init.txt"
	pw=$(sed -n 's/^admin password: //p' "$tmp/init.txt")
fi
# serve BATCH_WRITERS: (re)start kefu on $db, sign in, make a token.
serve() {
	[ -n "$pid" ] && kill "$pid" && wait "$pid" 2>/dev/null || true
	: > "$tmp/out.txt"
	"$bin" serve --db "$db" --port 0 --workers "$workers" --batch-writers "$1" --access_log false > "$tmp/out.txt" 2> "$tmp/err.log" &
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
	auth="Authorization: Bearer $token"
}

report() {  # report LABEL WRK-OUTPUT
	local rps p50 p99
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
	p50=$(awk '$1=="50%" {print $2}' <<<"$2")
	p99=$(awk '$1=="99%" {print $2}' <<<"$2")
	printf '%-44s workers=%s  %10s req/s  p50 %-8s p99 %-8s %s\n' "$1" "$workers" "$rps" "$p50" "$p99" "$(grep -o 'status [0-9]*: [0-9]*' <<<"$2" | tr '\n' ' ')"
}

run=$(date +%s%N) # unique order and tracking numbers, so a database can be benched again
echo "$("$bin" version); $(nproc) cores; wrk -t1 -c32 -d${secs}s; SQLite (durable commits, group fsync); db $( [ -n "${KF_BENCH_DB:-}" ] && echo "$KF_BENCH_DB" || echo fresh)"
body='{"type":"inquiry","subject":"我的包裹到哪里了 Where is my parcel","body":"订单 SO-1 三天没有物流更新，请帮忙查询。 No tracking update for three days.","channel":"api"}'
serve 0
out=$(BODY=$body TOKEN=$token wrk -t1 -c32 -d"${secs}s" --latency -s bench/wrk_post.lua "$base/api/v1/tickets")
report "POST /api/v1/tickets (durable, one commit each)" "$out"
serve 2
out=$(BODY=$body TOKEN=$token wrk -t1 -c32 -d"${secs}s" --latency -s bench/wrk_post.lua "$base/api/v1/tickets")
report "POST /api/v1/tickets (durable, batched)" "$out"

id=$(curl -s -H "$auth" "$base/api/v1/tickets?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
report "GET /api/v1/tickets/:id" "$(wrk -t1 -c32 -d"${secs}s" --latency -H "$auth" "$base/api/v1/tickets/$id")"

curl -s -H "$auth" -H 'Content-Type: application/json' -d "{\"number\":\"SO-BENCH-$run\",\"placed_at\":1700000000,\"lines\":[{\"sku\":\"MUG\",\"quantity\":1,\"unit_price_minor\":100}]}" "$base/api/v1/orders" > "$tmp/order.json"
oid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$tmp/order.json")
curl -s -H "$auth" -H 'Content-Type: application/json' -d "{\"order_id\":$oid,\"carrier\":\"SF Express\",\"tracking_number\":\"SFB$run\",\"mode\":\"express\"}" "$base/api/v1/shipments" > /dev/null
for st in info_received in_transit out_for_delivery; do
	curl -s -H "$auth" -H 'Content-Type: application/json' -d "{\"at\":$((1700000000 + RANDOM)),\"status\":\"$st\",\"location\":\"上海\"}" "$base/api/v1/shipments/$(curl -s -H "$auth" "$base/api/v1/orders/$oid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["shipments"][0]["id"])')/events" > /dev/null
done
report "GET /api/v1/track/:number (public)" "$(wrk -t1 -c32 -d"${secs}s" --latency "$base/api/v1/track/SFB$run")"
report "GET /api/v1/tickets/counts" "$(wrk -t1 -c32 -d"${secs}s" --latency -H "$auth" "$base/api/v1/tickets/counts")"
report "GET /api/v1/tickets?state=new (first page)" "$(wrk -t1 -c32 -d"${secs}s" --latency -H "$auth" "$base/api/v1/tickets?state=new&limit=50")"
report "GET /api/v1/search?q=包裹 (first page)" "$(wrk -t1 -c32 -d"${secs}s" --latency -H "$auth" "$base/api/v1/search?q=%E5%8C%85%E8%A3%B9&limit=20")"
# Latency of one request at a time (what a person waiting for the page sees), 1 connection.
report1() {  # report1 LABEL URL
	local out
	out=$(wrk -t1 -c1 -d"${secs}s" --latency -H "$auth" "$2")
	printf '%-44s 1 client   %10s req/s  p50 %-8s p99 %-8s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}
report1 "GET /api/v1/tickets/counts" "$base/api/v1/tickets/counts"
report1 "GET /api/v1/tickets?state=new (first page)" "$base/api/v1/tickets?state=new&limit=50"
report1 "GET /api/v1/tickets?view=mine (first page)" "$base/api/v1/tickets?assignee=me&limit=50"
report1 "GET /api/v1/search?q=包裹 (first page)" "$base/api/v1/search?q=%E5%8C%85%E8%A3%B9&limit=20"
report1 "GET /api/v1/search?q=破损 退款 (two terms)" "$base/api/v1/search?q=%E7%A0%B4%E6%8D%9F%20%E9%80%80%E6%AC%BE&limit=20"
echo "tickets in the database: $(curl -s -H "$auth" "$base/api/v1/tickets/counts" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"all\"])")"
