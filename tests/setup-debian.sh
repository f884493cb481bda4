#!/bin/sh
# setup-debian.sh - install what postsale needs on Debian 12, then configure and build.
#
# Run as root on a fresh Debian 12 machine. Idempotent: packages already present are
# kept, the build tree is reconfigured only when configure is missing or older than
# configure.ac. Every package the build, the tests, the demo and the benchmarks use is
# listed here; nothing is to be installed by hand.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

# Build tools and the libraries postsale links against.
build_pkgs="build-essential autoconf automake libtool pkg-config
  libmilter-dev libxml2-dev libical-dev check libgmime-3.0-dev libglib2.0-dev
  libsqlite3-dev libqpdf-dev libcurl4-openssl-dev zlib1g-dev
  libmicrohttpd-dev libgnutls28-dev libcrypt-dev libpq-dev"
# What the tests, the demo and the benchmarks drive: a real Postfix, swaks, independent
# parsers (Python's email package, python3-icalendar, ical.js through npm), OpenDKIM,
# python3-dkim as the DKIM verifier, headless Chromium driven by python3-selenium for the
# finance console, altermime as a comparison, clang for the libFuzzer
# targets, valgrind, sqlite3, qpdf.
test_pkgs="postfix swaks python3 python3-icalendar opendkim opendkim-tools
  altermime clang libclang-rt-14-dev valgrind sqlite3 qpdf libxml2-utils
  python3-dkim procps iproute2 ca-certificates
  chromium chromium-driver python3-selenium openssl curl postgresql"
# The Debian package test (tests/package.sh): debhelper builds it, lintian checks it,
# systemd-analyze verifies its units (man-db lets it check their Documentation=).
test_pkgs="$test_pkgs debhelper lintian fakeroot dpkg-dev systemd man-db"

# Node.js and npm: Debian's, unless a Node.js with its own npm is installed already.
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs nodejs npm"

missing=""
for p in $build_pkgs $test_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup-debian: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix is installed unconfigured: the tests run a private instance of their own
  # and never touch the system's configuration.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# ical.js, the independent iCalendar parser of the invite tests, from npm, kept in the
# build tree (tests/node_modules is ignored by git).
if [ ! -d tests/node_modules/ical.js ]; then
  (cd tests && npm install --no-audit --no-fund --silent ical.js@2 >/dev/null 2>&1) ||
    echo "setup-debian: npm install ical.js failed; the invite tests will skip it" >&2
fi

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
  autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
  ./configure --sysconfdir=/etc --localstatedir=/var
fi
make -j"$(nproc)"
