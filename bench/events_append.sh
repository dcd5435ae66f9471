#!/usr/bin/env bash
# The cost of the event append on durable ticket creation (issue 13): the
# same POST /api/v1/tickets load against a binary built before the events
# core (b64a2c1: no events table, no append) and one with it, alternated
# ROUNDS times in one sitting (odd rounds old first, even rounds new first) on fresh SQLite databases, with one commit per
# request (--batch-writers 0) and with the write batcher (the default, 2).
# wrk -t1 -c32 on loopback, release builds.  Prints the figures and the
# ratio new/old per mode; never passes or fails on them.
#
#   bench/events_append.sh OLD_BIN NEW_BIN [SECONDS] [ROUNDS]
# OLD_BIN: e.g. git archive b64a2c1 | tar -x -C /tmp/base && make -C /tmp/base build/rel/kefu
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1
new=$2
secs=${3:-10}
rounds=${4:-3}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# serve BIN BATCH_WRITERS: a fresh database, kefu on it, a bearer token in $token.
serve() {
	[ -n "$pid" ] && kill "$pid" && wait "$pid" 2>/dev/null || true
	pid=
	rm -rf "$tmp/db" && mkdir "$tmp/db"
	"$1" init --db "$tmp/db/bench.db" > "$tmp/init.txt"
	local pw
	pw=$(sed -n 's/^admin password: //p' "$tmp/init.txt")
	: > "$tmp/out.txt"
	"$1" serve --db "$tmp/db/bench.db" --port 0 --workers 2 --batch-writers "$2" --access_log false > "$tmp/out.txt" 2> "$tmp/err.log" &
	pid=$!
	port=
	for _ in $(seq 300); do
		port=$(sed -n 's|.*listening on http://[^:]*:\([0-9]*\)/.*|\1|p' "$tmp/out.txt")
		[ -n "$port" ] && break
		sleep 0.05
	done
	base=http://127.0.0.1:$port
	local csrf
	csrf=$(curl -s -c "$tmp/jar" -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$pw\"}" "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
	token=$(curl -s -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$base/api/v1/me/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

body='{"type":"inquiry","subject":"我的包裹到哪里了 Where is my parcel","body":"订单 SO-1 三天没有物流更新，请帮忙查询。 No tracking update for three days.","channel":"api"}'
# rps BIN BATCH_WRITERS: ticket creations per second into $got (not a $(...): serve's pid must stay here).
rps() {
	serve "$1" "$2"
	BODY=$body TOKEN=$token wrk -t1 -c32 -d"${secs}s" --latency -s bench/wrk_post.lua "$base/api/v1/tickets" > "$tmp/wrk.txt"
	got=$(awk '/Requests\/sec/ {printf "%d", $2}' "$tmp/wrk.txt")
}

echo "old: $("$old" version); new: $("$new" version); $(nproc) cores; wrk -t1 -c32 -d${secs}s; SQLite durable; $rounds rounds alternated"
for mode in 0 2; do
	so=0 sn=0
	for r in $(seq "$rounds"); do
		if [ $((r % 2)) = 1 ]; then # the order alternates too: the second run of a pair is not always the same binary
			rps "$old" "$mode"
			o=$got
			rps "$new" "$mode"
			n=$got
		else
			rps "$new" "$mode"
			n=$got
			rps "$old" "$mode"
			o=$got
		fi
		so=$((so + o)) sn=$((sn + n))
		printf 'batch_writers=%s round %s: before %6s/s  with the append %6s/s\n' "$mode" "$r" "$o" "$n"
	done
	printf 'batch_writers=%s: sum before %s, with %s: with/before = %s\n' "$mode" "$so" "$sn" "$(awk -v a="$sn" -v b="$so" 'BEGIN {printf "%.3f", a / b}')"
done
