#!/usr/bin/env bash
# run-unit.sh - run unit test binaries, each in its own process.
#
#   scripts/run-unit.sh BIN...
#
# Prints each binary's output, then "unit: N passed, M failed"; exits
# non-zero if any binary failed (non-zero status or killed by a signal).
set -uo pipefail

passed=0
failed=0
failures=()
for bin in "$@"; do
	echo "== $bin"
	if "$bin"; then
		passed=$((passed + 1))
	else
		status=$?
		failed=$((failed + 1))
		failures+=("$bin (status $status)")
	fi
done
for f in ${failures[@]+"${failures[@]}"}; do
	echo "FAILED: $f"
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
