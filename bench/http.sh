#!/usr/bin/env bash
# Platform figures (issue: platform): GET /healthz and an authenticated
# GET /api/v1/me under wrk -t1 -c32 on loopback, SQLite, for 1 and 2
# workers; idle RSS; time from exec to the first answered request.
# Prints the figures; never passes or fails on them.
#
#   bench/http.sh [KEFU_BIN] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
secs=${2:-10}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin" init --db "$tmp/bench.db" > "$tmp/init.txt"
pw=$(sed -n 's/^admin password: //p' "$tmp/init.txt")

start() {  # start WORKERS: serve with access log on, wait for the port
	"$bin" serve --db "$tmp/bench.db" --port 0 --workers "$1" > "$tmp/out.txt" 2> "$tmp/err.log" &
	pid=$!
	for _ in $(seq 200); do
		port=$(sed -n 's|.*listening on http://[^:]*:\([0-9]*\)/.*|\1|p' "$tmp/out.txt")
		[ -n "$port" ] && return 0
		sleep 0.02
	done
	echo "server did not start"; cat "$tmp/err.log"; exit 1
}
stop() { kill "$pid"; wait "$pid" || true; pid=; }

run_wrk() {  # run_wrk LABEL URL [HEADER]
	local label=$1 url=$2 hdr=${3:-}
	local out
	if [ -n "$hdr" ]; then
		out=$(wrk -t1 -c32 -d"${secs}s" --latency -H "$hdr" "$url")
	else
		out=$(wrk -t1 -c32 -d"${secs}s" --latency "$url")
	fi
	local rps p50 p99 non2xx
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	p50=$(awk '$1=="50%" {print $2}' <<<"$out")
	p99=$(awk '$1=="99%" {print $2}' <<<"$out")
	non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
	printf '%-34s workers=%s  %10s req/s  p50 %-8s p99 %-8s non-2xx %s\n' "$label" "$workers" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

cc -O2 -o "$tmp/mhd_baseline" bench/mhd_baseline.c $(pkg-config --cflags --libs libmicrohttpd)

echo "$("$bin" version) on $(nproc) cores; wrk -t1 -c32 -d${secs}s on loopback; SQLite; access log on"
for workers in 1 2; do
	bport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$tmp/mhd_baseline" "$bport" "$workers" > /dev/null &
	bpid=$!
	sleep 0.2
	run_wrk "bare libmicrohttpd (ceiling)" "http://127.0.0.1:$bport/"
	kill "$bpid"; wait "$bpid" 2>/dev/null || true
	start "$workers"
	base="http://127.0.0.1:$port"
	cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"admin\",\"password\":\"$pw\"}" "$base/api/v1/auth/login" |
		sed -n 's/^Set-Cookie: \(kefu_session=[^;]*\).*/\1/p')
	[ -n "$cookie" ] || { echo "login failed"; exit 1; }
	run_wrk "GET /healthz" "$base/healthz"
	run_wrk "GET /api/v1/me (session cookie)" "$base/api/v1/me" "Cookie: $cookie"
	stop
done

# Idle RSS and start-up time, one worker pair as in production defaults.
workers=2
python3 - "$bin" "$tmp/bench.db" <<'PY'
import os, socket, subprocess, sys, time
bin, db = sys.argv[1], sys.argv[2]
best = None
for _ in range(5):
    t0 = time.perf_counter()
    p = subprocess.Popen([bin, "serve", "--db", db, "--port", "0", "--workers", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    port = int(line.rsplit(":", 1)[1].strip("/\n"))
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            if s.recv(100).startswith(b"HTTP/1.1 200"):
                break
        except OSError:
            time.sleep(0.001)
    dt = (time.perf_counter() - t0) * 1000
    best = dt if best is None else min(best, dt)
    time.sleep(0.5)
    rss = [l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0].split()[1]
    p.terminate(); p.wait()
print(f"exec to first answered request       best of 5: {best:.1f} ms")
print(f"idle RSS after start + one request   {int(rss)/1024:.1f} MiB")
PY
