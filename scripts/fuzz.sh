#!/usr/bin/env bash
# Run each libFuzzer harness for SECONDS seconds: scripts/fuzz.sh SECONDS BIN...
set -euo pipefail
cd "$(dirname "$0")/.."
secs=$1; shift
pass=0; fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=build/fuzz/corpus/$name
	mkdir -p "$corpus"
	[ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
	if "$bin" -max_total_time="$secs" -max_len=65536 -print_final_stats=0 "$corpus" >"build/fuzz/$name.log" 2>&1; then
		echo "fuzz: $name ran ${secs}s, no crash"
		pass=$((pass + 1))
	else
		echo "fuzz: $name FAILED; see build/fuzz/$name.log"; tail -40 "build/fuzz/$name.log"
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
