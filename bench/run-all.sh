#!/usr/bin/env bash
# make bench: every benchmark in bench/, one after another.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/rel/kefu}
for b in bench/http.sh; do
	echo "== $b"
	"$b" "$bin"
done
