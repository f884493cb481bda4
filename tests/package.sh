#!/bin/sh
# package.sh - the Debian package as CI builds and installs it: dpkg-buildpackage -b in
# a copy of the source under the build tree (the tracked files of the work tree, so the
# tree itself stays clean), lintian without an E: line, `apt-get install` of the .deb on
# this machine, then the files with their modes and owners, the postsale user, the
# directories of tmpfiles.d, `postsale-milter -n` on the installed config (refused as
# shipped, accepted once local-domains and postsale-address are set), postsalectl run
# as root leaving a store that belongs to postsale, and `systemd-analyze verify` on the
# installed units. Where systemd is not PID 1 the units are verified, not started.
#
# It purges the package at the end, also on failure (trap), and removes the postsale
# user and group when it made them, so the machine is left as it was found. It skips
# (77) rather than touch an existing postsale installation.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}" "${top_builddir:=$top_srcdir}"
skip() { echo "SKIP: package: $*" >&2; exit 77; }
[ -z "${POSTSALE_IN_PACKAGE_BUILD:-}" ] || skip "running inside the package's own build"
[ "$(id -u)" = 0 ] || skip "needs root to install the package"
for t in dpkg-buildpackage dh lintian fakeroot systemd-analyze apt-get; do
	command -v "$t" >/dev/null || skip "$t is not installed (tests/setup-debian.sh installs it)"
done
[ -f "$top_srcdir/debian/rules" ] || skip "no debian/ in $top_srcdir"
if dpkg-query -W -f='${Status}' postsale 2>/dev/null | grep -q 'ok installed'; then
	skip "a postsale package is installed on this machine; leaving it alone"
fi
for p in /etc/postsale /var/lib/postsale /usr/sbin/postsale-milter; do
	[ ! -e "$p" ] || skip "$p exists (an installation by hand?); leaving it alone"
done

W=$top_builddir/tests/package-run
FAILED=0
PASSED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
had_user=; getent passwd postsale >/dev/null && had_user=1
had_group=; getent group postsale >/dev/null && had_group=1
APT="apt-get -y -q -o DPkg::Lock::Timeout=300"
export DEBIAN_FRONTEND=noninteractive

# cleanup - purge, remove the user we made, say what was found left behind
cleanup() {
	rc=$?
	if dpkg-query -W -f='${Status}' postsale 2>/dev/null | grep -q 'installed'; then
		$APT purge postsale >"$W"/purge.log 2>&1 || { echo "FAIL - purge:"; cat "$W"/purge.log; rc=1; }
	fi
	# The user we made goes too; a process still running as it (another program that
	# took the user for its own while it existed) is waited for, never killed.
	if [ -z "$had_user" ]; then
		for _ in $(seq 120); do
			getent passwd postsale >/dev/null || break
			userdel postsale 2>"$W"/userdel.log && break
			sleep 1
		done
		if getent passwd postsale >/dev/null; then
			echo "FAIL - the postsale user stays: $(cat "$W"/userdel.log)"
			ps -u postsale -o pid=,args= 2>/dev/null | sed 's/^/  still running as postsale: /'
			rc=1
		fi
	fi
	[ -n "$had_group" ] || ! getent group postsale >/dev/null || groupdel postsale
	for p in /etc/postsale /var/lib/postsale /run/postsale /usr/sbin/postsale-milter \
	    /lib/systemd/system/postsale-milter.service /usr/lib/tmpfiles.d/postsale.conf; do
		[ ! -e "$p" ] || { echo "FAIL - $p is left after the purge"; rc=1; }
	done
	[ "$rc" = 0 ] && [ "$FAILED" -gt 0 ] && rc=1
	if [ "$rc" = 0 ]; then rm -rf "$W"; else echo "--- kept: $W (build.log, lintian.log)"; fi
	echo "package: $PASSED passed, $FAILED failed"
	exit "$rc"
}

rm -rf "$W"
mkdir -p "$W"/src
if [ -e "$top_srcdir/.git" ] && command -v git >/dev/null; then
	(cd "$top_srcdir" && git ls-files -z --cached | tar --null --ignore-failed-read -T - -cf -) |
		tar -xf - -C "$W"/src
else
	# a release tree: the package's clean step cleans what a build left in it
	# (not the build tree when it lies inside, as make distcheck's _build does: the copy
	# would hold itself)
	tar -C "$top_srcdir" --exclude=./tests/package-run --exclude='./tests/e2e/run-*' \
	    --exclude=./_build --exclude="./$(basename "$top_builddir")" -cf - . |
		tar -xf - -C "$W"/src
fi

echo "# dpkg-buildpackage -b -us -uc (DEB_BUILD_OPTIONS=nocheck: make check runs anyway)"
if ! (cd "$W"/src && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -b -us -uc) \
    >"$W"/build.log 2>&1; then
	tail -n 40 "$W"/build.log
	echo "FAIL - dpkg-buildpackage (log: $W/build.log)"
	exit 1
fi
ok "dpkg-buildpackage -b -us -uc"
DEB=$(ls "$W"/postsale_*.deb)
lintian "$W"/postsale_*.changes >"$W"/lintian.log 2>&1
sed 's/^/  lintian: /' "$W"/lintian.log | grep -v 'running with root privileges'
check "lintian reports no error" sh -c "! grep -q '^E:' '$W/lintian.log'"

trap cleanup EXIT
trap 'exit 130' INT TERM
if ! $APT install --no-install-recommends "$DEB" >"$W"/install.log 2>&1; then
	cat "$W"/install.log
	fail "apt-get install $DEB"
	exit 1
fi
ok "apt-get install ./$(basename "$DEB")"

# is FILE MODE OWNER:GROUP - the file exists with that mode and owner
is() {
	got=$(stat -c '%a %U:%G' "$1" 2>/dev/null)
	if [ "$got" = "$2 $3" ]; then ok "$1 is $2 $3"; else fail "$1 is $2 $3, not ${got:-missing}"; fi
}
is /usr/sbin/postsale-milter 755 root:root
is /usr/sbin/postsale-mailer 755 root:root
is /usr/sbin/postsale-web 755 root:root
is /usr/bin/postsalectl 755 root:root
is /etc/postsale/postsale.conf 640 root:postsale
is /usr/share/postsale/templates/invoice.en.txt 644 root:root
is /usr/share/postsale/templates/checkin.en.txt 644 root:root
is /var/lib/postsale 750 postsale:postsale
is /run/postsale 750 postsale:postsale
is /lib/systemd/system/postsale-milter.service 644 root:root
is /lib/systemd/system/postsale-mailer.service 644 root:root
is /lib/systemd/system/postsale-web.service 644 root:root
is /usr/lib/sysusers.d/postsale.conf 644 root:root
is /usr/lib/tmpfiles.d/postsale.conf 644 root:root
is /usr/share/doc/postsale/copyright 644 root:root
is /usr/share/man/man8/postsale-milter.8.gz 644 root:root
check "the config is a conffile" sh -c \
	"dpkg-query -W -f='\${Conffiles}' postsale | grep -q '^ /etc/postsale/postsale.conf '"
uid=$(id -u postsale 2>/dev/null || echo none)
check "postsale is a system user (uid $uid)" test "$uid" != none -a "$uid" -lt 1000 2>/dev/null
check "postsale cannot log in" sh -c "getent passwd postsale | grep -q 'nologin\$\|/bin/false\$'"

echo "# postsale-milter -n on the installed config"
out=$(/usr/sbin/postsale-milter -n 2>&1); st=$?
echo "$out" | sed 's/^/  /'
check "refused as shipped (exit 78)" test "$st" = 78
check "naming local-domains" sh -c "echo \"\$1\" | grep -q 'error: local-domains is empty'" - "$out"
check "naming postsale-address" sh -c "echo \"\$1\" | grep -q 'error: postsale-address = postsale@localhost'" - "$out"
check "and nothing else: user, socket directory and store are right" \
	test "$(echo "$out" | grep -c 'error:')" = 2
printf '\n# set by package.sh\nlocal-domains = example.com\npostsale-address = postsale@example.com\n' \
	>>/etc/postsale/postsale.conf
out=$(/usr/sbin/postsale-milter -n 2>&1); st=$?
echo "$out" | sed 's/^/  /'
check "accepted once the two keys are set (exit 0)" test "$st" = 0
check "-n created nothing in /var/lib/postsale" test -z "$(ls -A /var/lib/postsale)"
check "postsalectl checkins as root" /usr/bin/postsalectl checkins
check "the store it made belongs to postsale" test "$(stat -c %U:%G /var/lib/postsale/postsale.db)" = postsale:postsale
check "and is not for others to read" sh -c "test \$(( 0\$(stat -c %a /var/lib/postsale/postsale.db) & 7 )) = 0"
check "postsale-mailer reads the installed templates" sh -c \
	"/usr/sbin/postsale-mailer run 2>&1 | grep -q 'descriptions from /usr/share/postsale/templates/checkin.en.txt'"

echo "# systemd-analyze verify"
if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ] || [ ! -d /run/systemd/system ]; then
	echo "  systemd is not PID 1 on this machine: the units are verified, not started"
fi
man=yes
command -v man >/dev/null || { man=no; echo "  man(1) is not installed: Documentation= is not checked"; }
units=$(dpkg-query -L postsale | grep '^/lib/systemd/system/.*\.service$')
check "the package holds both units" sh -c "echo '$units' | grep -q postsale-milter && echo '$units' | grep -q postsale-mailer"
for f in $units; do
	u=$(basename "$f" .service)
	out=$(systemd-analyze verify --man=$man "$f" 2>&1); st=$?
	[ -z "$out" ] || echo "$out" | sed 's/^/  /'
	check "systemd-analyze verify $u.service" test "$st" = 0 -a -z "$(echo "$out" | grep "$u")"
done
