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
	# A portal account for the first demo customer, to try the customer portal.
	echo "demo-password-1" | "$bin" portal add customer@demo.kefu --customer 1 --password-stdin --db "$db"
	echo
else
	echo "kefu: using the existing $db (delete it for a fresh one; reset a password with: $bin user passwd admin --db $db)"
fi
echo "kefu: open http://127.0.0.1:$port/ and sign in as admin, or as the demo agent wangfang"
echo "kefu: the demo staff users' password is demo-password-1 (DEMO ONLY)"
echo "kefu: customer portal: http://127.0.0.1:$port/portal as customer@demo.kefu, password demo-password-1"
exec "$bin" serve --db "$db" --port "$port"
