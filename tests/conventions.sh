#!/usr/bin/env bash
# conventions.sh - prove the conventions the build enforces do fail:
#  1. scripts/layer-check.py fails on a planted upward include (and on a
#     same-layer cycle), and names the planted file;
#  2. a raw malloc/strdup/strncpy in a file under src/ does not compile
#     (base/banned.h is force-included, see the Makefile), while the same
#     code with xmalloc does.
# usage: tests/conventions.sh   (from the repository root)
set -u
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fail=1; }

# 1. layer check on a copy of the tree.
mkdir -p "$tmp/tree"
cp -r src docs "$tmp/tree/"
python3 scripts/layer-check.py "$tmp/tree" > "$tmp/before.txt"
printf '#include "http/reply.h"\n' > "$tmp/tree/src/store/planted_up.c"
if python3 scripts/layer-check.py "$tmp/tree" > "$tmp/out.txt"; then
	bad "layer-check passed with store/ including http/"
elif grep -q 'store/ includes http/, a higher layer: src/store/planted_up.c' "$tmp/out.txt"; then
	ok "layer-check reports the planted upward include"
else
	bad "layer-check failed without naming the planted include"; cat "$tmp/out.txt"
fi
rm "$tmp/tree/src/store/planted_up.c"
printf '#include "pricing/quote.h"\n' > "$tmp/tree/src/analytics/planted_a.c"
printf '#include "analytics/report.h"\n' > "$tmp/tree/src/pricing/planted_p.c"
if python3 scripts/layer-check.py "$tmp/tree" > "$tmp/out.txt"; then
	bad "layer-check passed with a cycle analytics <-> pricing"
elif grep -qE 'include cycle on one layer: (analytics -> pricing -> analytics|pricing -> analytics -> pricing)' "$tmp/out.txt"; then
	ok "layer-check reports the planted same-layer cycle"
else
	bad "layer-check failed without naming the cycle"; cat "$tmp/out.txt"
fi

# 2. the banned allocator and string functions.
cflags="-std=c17 -D_GNU_SOURCE -Wall -Werror -Isrc -include base/banned.h -c -o $tmp/x.o"
try() { # name, code
	printf '#include <stdlib.h>\n#include <string.h>\n#include "base/xalloc.h"\nvoid f(char *d, const char *s);\nvoid f(char *d, const char *s)\n{\n%s\n}\n' "$2" > "$tmp/$1.c"
	${CC:-cc} $cflags "$tmp/$1.c" 2> "$tmp/$1.err"
}
for call in 'char *p = malloc(4); free(p); (void)d; (void)s;' \
	'char *p = calloc(1, 4); free(p); (void)d; (void)s;' \
	'char *p = strdup(s); free(p); (void)d;' \
	'strncpy(d, s, 4);'; do
	if try planted "$call"; then
		bad "compiled: $call"
	elif grep -q 'sorry_.*_is_a_banned_function' "$tmp/planted.err"; then
		ok "refused: $call"
	else
		bad "failed for another reason: $call"; cat "$tmp/planted.err"
	fi
done
if try allowed 'char *p = xmalloc(4); free(p); p = xstrdup(s); free(p); (void)d;'; then
	ok "xmalloc/xstrdup compile"
else
	bad "xmalloc/xstrdup do not compile"; cat "$tmp/allowed.err"
fi
exit $fail
