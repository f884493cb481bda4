#!/bin/bash
# owner.sh - postsalectl and postsale-mailer started as root on a store that belongs to
# the filter's user become that user before they touch it: no root-owned file appears
# beside the store, none is readable by others, and the filter, running as its user,
# still records (an onboarding message starts a journey). The control: a store file
# made root's by hand is named with its owner and mode at start-up and at the first
# failure, and the message follows on-error.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
e2e_init
DB=$E2E_DIR/db/postsale.db
e2e_write_conf "company-name = Example Ltd
manager-timezones = alice@example.com=Europe/Berlin
submit-url = smtp://127.0.0.1:$E2E_SMTP_PORT
submit-starttls = none"

# no_root_files - nothing in the store's directory belongs to root or is open to others
no_root_files() {
	local bad
	bad=$(find "$E2E_DIR"/db -mindepth 1 \( -user root -o -group root -o -perm /o=rwx \) -printf '%p %u:%g %m\n')
	[ -z "$bad" ] || { echo "$bad" >&2; return 1; }
}

e2e_check "running as root" test "$(id -u)" = 0
# A store that does not exist yet: postsalectl, as root, creates it as its owner.
e2e_check "postsalectl checkins (as root) creates the store" "$CTL" -c "$E2E_CONF" checkins
e2e_check "the store belongs to $E2E_USER" test "$(stat -c %U "$DB")" = "$E2E_USER"
e2e_check "no root-owned or world-readable file beside the store" no_root_files

e2e_start_milter
E2E_VIRTUAL_DOMAINS="newcustomer.example other.example" e2e_start_postfix accept
onboard() {	# onboard NAME DOMAIN - an onboarding message to NAME@DOMAIN
	printf 'From: Alice <alice@example.com>\r\nTo: %s <%s@%s>\r\nSubject: Welcome\r\nMessage-ID: <%s@example.com>\r\nX-Postsale-Onboarding: yes\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWelcome!\r\n' \
		"$1" "$1" "$2" "$1" > "$E2E_DIR/$1.eml"
	e2e_send "$E2E_DIR/$1.eml" --to "$1@$2"
}

# The tools as root while the filter runs.
e2e_check "postsalectl invoices (as root)" "$CTL" -c "$E2E_CONF" invoices
mkdir -p "$E2E_DIR"/out && chown "$E2E_USER" "$E2E_DIR"/out
e2e_check "postsale-mailer run --dry-run (as root)" "$MAILER" -c "$E2E_CONF" run --dry-run --out "$E2E_DIR"/out
e2e_check "postsale-mailer run (as root)" "$MAILER" -c "$E2E_CONF" run
e2e_check "postsale-mailer digest (as root)" sh -c "'$MAILER' -c '$E2E_CONF' digest 2>&1 | grep -q finance-address"
e2e_check "still no root-owned or world-readable file beside the store" no_root_files
e2e_check "the mailer's lock belongs to $E2E_USER" test "$(stat -c %U "$DB".mailer-lock)" = "$E2E_USER"

# The filter still writes.
e2e_check "onboarding mail accepted" onboard carol newcustomer.example
e2e_wait_maildir 1 || e2e_fail "onboarding mail not delivered"
e2e_check "the filter recorded the journey" e2e_milter_log_has "onboarding: journey started"
e2e_check "no read-only database in the log" sh -c "! grep -qi 'readonly\|read-only' '$E2E_MILTER_LOG'"
e2e_check "postsalectl sees the customer" sh -c "'$CTL' -c '$E2E_CONF' checkins --customer carol@newcustomer.example | grep -q day-7"
e2e_check "and nothing root-owned after all that" no_root_files

# The control: a store file that root took over, as an older postsalectl left it.
e2e_stop_milter
chown root:root "$DB"
chmod 644 "$DB"
e2e_start_milter
want="store: $DB (owner root:root, mode 0644) is not writable by $E2E_USER"
e2e_check "start-up names the file, owner and mode" e2e_milter_log_has "$want"
lines=$(grep -cF "$want" "$E2E_MILTER_LOG")
e2e_check "onboarding mail still accepted (on-error accept)" onboard dave other.example
e2e_wait_maildir 2 || e2e_fail "mail not delivered with a read-only store"
e2e_check "the record the store refused is kept for replay (issue 10)" \
	e2e_milter_log_has "journey: journey-start for dave@other.example not recorded"
e2e_check "the first failure names the file again" test "$(grep -cF "$want" "$E2E_MILTER_LOG")" -gt "$lines"
e2e_check "-n fails on it" sh -c "! '$E2E_MILTER' -n -c '$E2E_CONF' 2>/dev/null"
