#!/usr/bin/env bash
# Check that the C sources follow .clang-format (prints the files that differ).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
for f in $(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'tools/*.c' 'bench/*.c' 2>/dev/null || find src tests tools -name '*.[ch]'); do
	if ! clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format: $f differs from .clang-format (run: clang-format -i $f)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "format: ok"
exit $bad
