#!/usr/bin/env bash
# with-pg.sh - run a command against a throwaway PostgreSQL.
#
#   scripts/with-pg.sh CMD [ARG...]
#
# Creates a cluster in a temporary directory (initdb -A trust -U kefu,
# UTF-8, no locale, fsync off: test data only), starts it listening on
# 127.0.0.1 on a free port with its socket inside the directory, creates the
# database kefu_test and runs CMD with
#   KF_TEST_PG_URL=postgresql://kefu@127.0.0.1:PORT/kefu_test
# exported.  The server is stopped and the directory removed on exit,
# failure or interrupt; the script exits with CMD's status.
#
# PostgreSQL refuses to run as root, so as root (CI) the server runs as the
# system user kefu-pg, created on first use.
set -euo pipefail

die() { echo "with-pg: $*" >&2; exit 1; }

[ $# -gt 0 ] || die "usage: $0 CMD [ARG...]"

# The server binaries: pg_config's, else the newest /usr/lib/postgresql/N/bin.
find_bindir() {
	local dir
	if command -v pg_config >/dev/null 2>&1; then
		dir=$(pg_config --bindir 2>/dev/null || true)
		if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
			echo "$dir"
			return
		fi
	fi
	dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [ ! -x "$dir/initdb" ]; then
		die "no PostgreSQL server binaries (initdb) found"
	fi
	echo "$dir"
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' && return
	fi
	local port
	for port in $(seq 55432 55632); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

BINDIR=$(find_bindir)
# Under /tmp, not $TMPDIR: the socket path must stay short.
WORK=$(mktemp -d /tmp/kefu-pg.XXXXXX)
PGDATA="$WORK/data"
PGSOCK="$WORK/sock"
STARTED=0
CHILD=

AS=()
if [ "$(id -u)" = 0 ]; then
	if ! id -u kefu-pg >/dev/null 2>&1; then
		# Another run may create it at the same moment.
		useradd --system --no-create-home --shell /usr/sbin/nologin kefu-pg ||
			id -u kefu-pg >/dev/null
	fi
	chown kefu-pg "$WORK"
	AS=(runuser -u kefu-pg --)
fi

# Run as the server's user, from a directory that user can read.
as_pg() { (cd "$WORK" && ${AS[@]+"${AS[@]}"} "$@"); }

# cleanup and on_signal run from traps.
# shellcheck disable=SC2317
cleanup() {
	local status=$?
	trap - EXIT INT TERM HUP
	if [ -f "$PGDATA/postmaster.pid" ]; then
		as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$WORK"
	exit "$status"
}
# On a signal, stop the command first (it runs in the background so that
# the trap runs at once), then the EXIT trap stops the server.
# shellcheck disable=SC2317
on_signal() {
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null || true
		wait "$CHILD" 2>/dev/null || true
	fi
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

as_pg mkdir -p "$PGSOCK"
if ! as_pg "$BINDIR/initdb" -D "$PGDATA" -A trust -U kefu -E UTF8 --no-locale -N \
	>"$WORK/initdb.log" 2>&1; then
	cat "$WORK/initdb.log" >&2
	die "initdb failed"
fi

for _ in 1 2 3 4 5; do
	PORT=$(free_port)
	if as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGSOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null; then
		STARTED=1
		break
	fi
	grep -q 'could not bind\|already in use' "$WORK/server.log" 2>/dev/null ||
		{ cat "$WORK/server.log" >&2 || true; die "the server did not start"; }
done
[ "$STARTED" = 1 ] || die "the server did not start: no free port"

"$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U kefu kefu_test ||
	die "createdb kefu_test failed"

export KF_TEST_PG_URL="postgresql://kefu@127.0.0.1:$PORT/kefu_test"
# Keep stdin: a background command would otherwise read /dev/null.
"$@" <&0 &
CHILD=$!
set +e
wait "$CHILD"
status=$?
set -e
CHILD=
exit "$status"
