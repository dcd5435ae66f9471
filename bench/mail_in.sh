#!/usr/bin/env bash
# Inbound mail throughput (issue 14): N (default 2000) typical messages
# (~30 KB, one attachment, each opening a ticket) stored with their tickets
# by a release kefu on a fresh SQLite database, (a) through `kefu mail
# receive` with P (default 8) processes at a time, (b) straight POST
# /api/v1/mail/inbound with C (default 8) requests in flight, (c) as root,
# through a throwaway Postfix's pipe (Postfix's smtp-source sending).  Prints
# messages/s; never passes or fails on them.  See bench/mail_in.mjs.
#
#   bench/mail_in.sh [N] [P] [C]
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory -s build/rel/kefu
KF_TEST_BIN=${KF_TEST_BIN:-build/rel/kefu} exec node bench/mail_in.mjs "$@"
