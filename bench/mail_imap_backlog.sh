#!/usr/bin/env bash
# IMAP backlog (channels/mail_fetch.c): N messages (default 10,000; ~30 KB,
# a text part and one base64 attachment each) placed in the Maildir of a
# throwaway Dovecot on loopback (temporary directory, free ports, no system
# configuration touched), then fetched into tickets by a release kefu on a
# fresh SQLite database (fetch thread, one mailbox).  Prints the messages
# stored per second, the fetcher's progress lines, and kefu's peak resident
# memory (VmHWM): the backlog must not run kefu out of memory, since only
# one message is held at a time.  Prints figures, never passes or fails on
# them.
#
#   bench/mail_imap_backlog.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
root=$(pwd)
make --no-print-directory -s build/rel/kefu
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || { echo "mail_imap_backlog.sh: dovecot is not installed" >&2; exit 1; }
dir=$(mktemp -d /tmp/kefu-imap-bench-XXXXXX)
chmod 755 "$dir"
kefu_pid=
cleanup() {
	[ -n "$kefu_pid" ] && kill "$kefu_pid" 2>/dev/null || true
	[ -f "$dir/run/master.pid" ] && kill "$(cat "$dir/run/master.pid")" 2>/dev/null || true
	sleep 0.5
	[ -n "${KF_BENCH_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- Dovecot --------------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then uid=65534 gid=65534 internal=dovecot login=dovenull
else uid=$(id -u) gid=$(id -g) internal=$(id -un) login=$(id -un); fi
mkdir -p "$dir/run" "$dir/log" "$dir/mail/bench/Maildir/"{new,cur,tmp}
echo "bench:{PLAIN}pw-bench::::::" > "$dir/users"
port=$(free_port)
cat > "$dir/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/run
log_path = $dir/log/dovecot.log
ssl = no
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $dir/users
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/mail/%n
}
mail_location = maildir:$dir/mail/%n/Maildir
first_valid_uid = 1
first_valid_gid = 0
default_internal_user = $internal
default_login_user = $login
service imap-login {
  chroot =
  inet_listener imap {
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
EOF

# --- the backlog: N messages of ~30 KB with one attachment ----------------------------
python3 - "$dir/mail/bench/Maildir" "$n" <<'EOF'
import base64, os, sys
maildir, n = sys.argv[1], int(sys.argv[2])
blob = base64.encodebytes(os.urandom(21000)).decode().replace('\n', '\r\n')
text = ('您好，我的订单还没有收到，请帮忙查一下物流。Where is my parcel?\r\n' * 40)
for i in range(n):
    raw = (f'From: Buyer {i} <buyer{i % 2000}@customer.test>\r\nTo: support@kefu.test\r\n'
           f'Subject: Backlog {i}\r\nMessage-ID: <bench-{i}-{os.getpid()}@customer.test>\r\n'
           'Date: Mon, 07 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n'
           'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
           '--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
           f'{text}\r\n--b1\r\nContent-Type: image/jpeg; name="photo{i}.jpg"\r\n'
           f'Content-Disposition: attachment; filename="photo{i}.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
           f'{blob}\r\n--b1--\r\n')
    with open(f'{maildir}/new/{i:08d}.M{i}P1.bench', 'w', encoding='utf-8') as f:
        f.write(raw)
EOF
[ "$(id -u)" = 0 ] && chown -R "$uid:$gid" "$dir/mail"
/usr/sbin/dovecot -c "$dir/dovecot.conf"
size=$(du -sm "$dir/mail" | cut -f1)

# --- kefu -----------------------------------------------------------------------------
db="$dir/kefu.db"
pw=$("$root/build/rel/kefu" init --db "$db" | sed -n 's/.*admin password: \([^ ]*\).*/\1/p')
# Senders repeat (2,000 addresses): no hourly cap on them for this measurement.
sqlite3 "$db" 'UPDATE mail_settings SET sender_rate_per_hour = 0'
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/secret.key"
"$root/build/rel/kefu" serve --db "$db" --addr 127.0.0.1 --port 0 --secret-key-file "$dir/secret.key" \
	--imap-fetch 1 ${KF_BENCH_SERVE_ARGS:-} > "$dir/kefu.out" 2> "$dir/kefu.err" &
kefu_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$dir/kefu.out" && break; sleep 0.1; done
base=$(sed -n 's/.*listening on \(http:[^ ]*\)\//\1/p' "$dir/kefu.out")
csrf=$(curl -sf -c "$dir/jar" -H 'Content-Type: application/json' \
	-d "{\"username\":\"admin\",\"password\":\"$pw\"}" "$base/api/v1/auth/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
start=$(date +%s.%N)
curl -sf -b "$dir/jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
	-d "{\"name\":\"bench\",\"host\":\"127.0.0.1\",\"port\":$port,\"security\":\"none\",\"username\":\"bench\",\"password\":\"pw-bench\",\"poll_seconds\":10}" \
	"$base/api/v1/mail/mailboxes" > /dev/null
stored=0
while [ "$stored" -lt "$n" ]; do
	sleep 1
	stored=$(sqlite3 "$db" "SELECT COUNT(*) FROM mail_messages WHERE direction = 'in'")
	kill -0 "$kefu_pid" 2>/dev/null || { echo "kefu died:"; tail -20 "$dir/kefu.err"; exit 1; }
done
end=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$kefu_pid/status")
tickets=$(sqlite3 "$db" "SELECT COUNT(*) FROM tickets")
echo "kefu $(cat VERSION) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "backlog: $n messages, ${size} MB in the Maildir"
grep -o '"msg":"bench: [0-9]*/[0-9]*"' "$dir/kefu.err" | sed 's/"msg":"\(.*\)"/  progress: imap: \1/' || true
python3 -c "import sys; n,t=int(sys.argv[1]),float(sys.argv[2])-float(sys.argv[3]); print(f'fetched: {n} messages in {t:.1f} s = {n/t:.0f} messages/s ({sys.argv[4]} tickets)')" "$n" "$end" "$start" "$tickets"
echo "peak RSS of kefu (VmHWM): $hwm"
warns=$(grep -c '"level":"warn"' "$dir/kefu.err" || true)
echo "warnings logged: $warns"
[ "$warns" = 0 ] || grep '"level":"warn"' "$dir/kefu.err" | head -5
