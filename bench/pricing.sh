#!/usr/bin/env bash
# pricing.sh - in-process quote throughput on one core (issue 6):
#   bench/pricing.sh [N]      (default 5,000,000 quotes)
# Builds bench/pricing.c with -O2 against src/pricing and runs it pinned
# to one CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -o "$tmp/pricing" bench/pricing.c src/pricing/money.c src/pricing/ratecard.c \
	src/pricing/quote.c src/base/err.c src/base/xalloc.c -lm
if command -v taskset >/dev/null; then
	taskset -c 0 "$tmp/pricing" "${1:-5000000}"
else
	"$tmp/pricing" "${1:-5000000}"
fi
