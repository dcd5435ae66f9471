#!/usr/bin/env bash
# make run: create a demo database on first use, then serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
db=${KEFU_DB:-var/demo.db}
port=${KEFU_PORT:-8080}
mkdir -p "$(dirname "$db")"
if [ ! -e "$db" ]; then
	"$bin" init --db "$db"
	echo
	# Demo data on first use: 300 customers with orders, parcels and tickets.
	"$bin" demo --customers 300 --seed 1 --db "$db"
	echo
else
	echo "kefu: using the existing $db (delete it for a fresh one; reset a password with: $bin user passwd admin --db $db)"
fi
echo "kefu: open http://127.0.0.1:$port/ and sign in as admin, or as the demo agent wangfang"
echo "kefu: the demo staff users' password is demo-password-1 (DEMO ONLY)"
exec "$bin" serve --db "$db" --port "$port"
