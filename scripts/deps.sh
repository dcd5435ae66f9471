#!/usr/bin/env bash
# Install the Debian packages (and npm packages) kefu needs to build, run
# and test (chromium and a CJK font for the browser tests and screenshots).
# Does nothing when everything is present.  Safe to run often.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(
	build-essential pkg-config clang clang-format
	libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libcmocka-dev
	libfuzzer-14-dev libclang-rt-14-dev
	libgmime-3.0-dev libcurl4-openssl-dev libxml2-dev
	postfix dovecot-imapd dovecot-lmtpd swaks libnet-ssleay-perl
	postgresql
	wrk sqlite3 curl python3 procps
	tzdata
	chromium fonts-wqy-microhei
)
# Node.js may come from Debian or from another Debian-format package that
# bundles npm; ask for Debian's only when the commands are missing.
command -v node >/dev/null 2>&1 || debs+=(nodejs)
command -v npm >/dev/null 2>&1 || debs+=(npm)

missing=()
for p in "${debs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	# The mail tests start their own Postfix on loopback (tests/api/mailenv.mjs);
	# the package must not set up a system mail server.
	echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Front-end and browser-test packages, pinned by package-lock.json.
if [ -f package.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
	echo "deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
fi
exit 0
