#!/usr/bin/env bash
# Outbound mail throughput (issue 14): N (default 2000) agent replies on
# tickets opened by mail, queued by the "mail" consumer and sent by S
# (default 4) sender threads of a release kefu through a throwaway local
# Postfix into Dovecot (tests/api/mailenv.mjs; needs root, Postfix,
# Dovecot).  Prints the messages/s accepted by Postfix; never passes or
# fails on them.  See bench/mail_out.mjs.
#
#   bench/mail_out.sh [N] [S] [C]
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory -s build/rel/kefu
KF_TEST_BIN=${KF_TEST_BIN:-build/rel/kefu} exec node bench/mail_out.mjs "$@"
