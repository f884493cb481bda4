/*
 * journey.c - onboarding, off-boarding and renewal: config -> plan -> store.
 *
 * Trust: customer and sender addresses and names come from mail and are validated
 * (invite_addr_valid) before anything is stored; config values were checked at load
 * and are parsed again here without trusting them further.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invite.h"
#include "journey.h"
#include "store_journey.h"
#include "xalloc.h"

const char *
journey_uid_domain(const struct ps_conf *conf)
{
	const char *at = conf->postsale_address ? strrchr(conf->postsale_address, '@') : NULL;
	return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

char *
journey_manager(const struct ps_conf *conf, const char *customer)
{
	const char *at = strrchr(customer, '@'), *v;
	size_t len;

	if (at == NULL || (v = conf_pair_lookup(&conf->account_managers, at + 1, &len)) == NULL)
		return NULL;
	return xstrndup(v, len);
}

char *
journey_manager_tz(const struct ps_conf *conf, const char *manager)
{
	const char *v;
	size_t len;

	if (manager != NULL && (v = conf_pair_lookup(&conf->manager_timezones, manager, &len)) != NULL)
		return xstrndup(v, len);
	return xstrdup(conf->checkin_timezone && conf->checkin_timezone[0] ? conf->checkin_timezone : "UTC");
}

int
journey_plan_opts(const struct ps_conf *conf, const char *tz, const char *spread_key,
		  struct plan_opts *opts, struct plan_date **holidays, char *err, size_t errlen)
{
	size_t i;

	plan_opts_init(opts);
	*holidays = NULL;
	opts->tz = tz;
	opts->spread_key = spread_key;
	if (plan_tz_check(tz, err, errlen) != 0)
		return -1;
	if (plan_parse_hours(conf->checkin_hours, &opts->day_start_min, &opts->day_end_min) != 0) {
		snprintf(err, errlen, "checkin-hours: \"%s\" is not HH:MM-HH:MM", conf->checkin_hours);
		return -1;
	}
	if (plan_parse_workdays(conf->checkin_workdays, &opts->workdays) != 0) {
		snprintf(err, errlen, "checkin-workdays: \"%s\" names no days", conf->checkin_workdays);
		return -1;
	}
	opts->slot_min = (int) (conf->checkin_length_ms / 60000);
	if (opts->slot_min <= 0) {
		snprintf(err, errlen, "checkin-length: %ld ms is shorter than a minute",
		    conf->checkin_length_ms);
		return -1;
	}
	opts->n_day_offsets = 0;
	for (i = 0; i < conf->checkin_days.n && opts->n_day_offsets < PLAN_MAX_OFFSETS; i++) {
		char *end;
		long d = strtol(conf->checkin_days.v[i], &end, 10);
		if (*end != '\0' || d <= 0 || d > 3660) {
			snprintf(err, errlen, "checkin-days: \"%s\" is not a number of days",
			    conf->checkin_days.v[i]);
			return -1;
		}
		opts->day_offsets[opts->n_day_offsets++] = (int) d;
	}
	opts->quarterly_until_days = (int) conf->checkin_quarterly_until;
	opts->quarterly_months = conf->checkin_quarterly_until > 0 ? 3 : 0;
	opts->anniversaries = (int) conf->checkin_anniversaries;
	opts->renewal_lead_days = (int) conf->checkin_renewal_lead;
	if (conf->checkin_holidays.n > 0) {
		*holidays = xcalloc(conf->checkin_holidays.n, sizeof(**holidays));
		for (i = 0; i < conf->checkin_holidays.n; i++)
			if (plan_parse_date(conf->checkin_holidays.v[i], &(*holidays)[i]) != 0) {
				snprintf(err, errlen, "checkin-holidays: \"%s\" is not a date YYYY-MM-DD",
				    conf->checkin_holidays.v[i]);
				free(*holidays);
				*holidays = NULL;
				return -1;
			}
		opts->holidays = *holidays;
		opts->n_holidays = conf->checkin_holidays.n;
	}
	return 0;
}

/*
 * journey_sync - bring the stored check-ins of customer c in line with its plan: add the
 * missing future ones; with revive, plan cancelled ones again; move a pre-renewal one
 * whose time changed. Runs inside the caller's transaction. Returns the count changed.
 */
static int
journey_sync(struct store *st, const struct ps_conf *conf, const struct store_customer *c,
	     int revive, time_t now, char *err, size_t errlen)
{
	struct plan_opts opts;
	struct plan_date *holidays = NULL;
	struct plan_checkin *plan = NULL;
	size_t n = 0;
	char *tz;
	int changed = 0, rc = -1;

	if (c->manager == NULL || !invite_addr_valid(c->manager)) {
		snprintf(err, errlen, "customer %s: manager address \"%s\" is not an address",
		    c->address, c->manager ? c->manager : "");
		return -1;
	}
	tz = journey_manager_tz(conf, c->manager);
	if (journey_plan_opts(conf, tz, c->address, &opts, &holidays, err, errlen) != 0)
		goto out;
	if (c->renewal_date[0] != '\0' && plan_parse_date(c->renewal_date, &opts.renewal_date) == 0)
		opts.has_renewal = 1;
	if (plan_checkins(&opts, c->onboarded_at, &plan, &n, err, errlen) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct store_checkin cur;
		long long id;
		int r;

		if (plan[i].start <= now)
			continue;
		r = store_checkin_insert(st, c->id, c->address, c->manager, plan[i].kind,
		    plan[i].ordinal, plan[i].start, plan[i].end, tz, journey_uid_domain(conf),
		    &id, err, errlen);
		if (r < 0)
			goto out;
		if (r == 0) {
			changed++;
			continue;
		}
		if ((r = store_checkin_get(st, id, &cur, err, errlen)) != 0) {
			if (r > 0)
				snprintf(err, errlen, "check-in %lld vanished", id);
			goto out;
		}
		if (strcmp(cur.state, "cancelled") == 0) {
			if (revive) {
				if (store_checkin_revive(st, id, plan[i].start, plan[i].end, err, errlen) < 0) {
					store_checkin_clear(&cur);
					goto out;
				}
				changed++;
			}
		} else if ((revive && cur.due_at <= now) ||
		    (strcmp(plan[i].kind, "pre-renewal") == 0 && cur.due_at != plan[i].start &&
		    cur.due_at > now)) {
			/* a past one of an earlier journey, or a renewal date that changed */
			if (store_checkin_move(st, id, plan[i].start, plan[i].end, err, errlen) < 0) {
				store_checkin_clear(&cur);
				goto out;
			}
			changed++;
		}
		store_checkin_clear(&cur);
	}
	rc = changed;
out:
	free(plan);
	free(holidays);
	free(tz);
	return rc;
}

/* bare_address - s without surrounding white space and <>, into buf; NULL if too long */
static const char *
bare_address(const char *s, char *buf, size_t len)
{
	size_t n;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char) *s))
		s++;
	if (*s == '<')
		s++;
	n = strcspn(s, "> \t\r\n");
	if (n >= len)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

int
journey_start(struct store *st, const struct ps_conf *conf,
	      const struct journey_party *customer, const char *sender,
	      const struct onboard_info *info, time_t now, char *err, size_t errlen)
{
	struct store_customer c;
	char abuf[512], sbuf[512], *mapped;
	const char *address, *manager;
	int again, rc;

	address = bare_address(customer->address, abuf, sizeof(abuf));
	if (address == NULL || !invite_addr_valid(address)) {
		snprintf(err, errlen, "customer address \"%.200s\" is not an address",
		    customer->address ? customer->address : "");
		return -1;
	}
	mapped = journey_manager(conf, address);
	manager = mapped != NULL ? mapped : bare_address(sender, sbuf, sizeof(sbuf));
	if (manager == NULL || !invite_addr_valid(manager)) {
		snprintf(err, errlen, "customer %s: manager address \"%.200s\" (%s) is not an address",
		    address, mapped ? mapped : (sender ? sender : ""),
		    mapped ? "account-managers" : "the sender");
		free(mapped);
		return -1;
	}
	if (store_journey_begin(st, err, errlen) != 0) {
		free(mapped);
		return -1;
	}
	rc = store_customer_onboard(st, address, customer->name, manager, now, &c, &again,
	    err, errlen);
	free(mapped);
	if (rc != 0)
		goto fail;
	if (info != NULL && info->has_renewal) {
		if (store_customer_set_renewal(st, c.id, info->renewal, err, errlen) != 0) {
			store_customer_clear(&c);
			goto fail;
		}
		snprintf(c.renewal_date, sizeof(c.renewal_date), "%s", info->renewal);
	}
	rc = journey_sync(st, conf, &c, !again, now, err, errlen);
	store_customer_clear(&c);
	if (rc < 0 || store_journey_commit(st, err, errlen) != 0)
		goto fail;
	return rc;
fail:
	store_journey_rollback(st);
	return -1;
}

int
journey_stop(struct store *st, const struct ps_conf *conf, const char *customer,
	     time_t now, char *err, size_t errlen)
{
	struct store_customer c;
	char abuf[512];
	const char *address;
	long n;
	int rc;

	(void) conf;
	if ((address = bare_address(customer, abuf, sizeof(abuf))) == NULL) {
		snprintf(err, errlen, "customer address \"%.200s\" is too long", customer);
		return -1;
	}
	if (store_journey_begin(st, err, errlen) != 0)
		return -1;
	if ((rc = store_customer_get(st, address, &c, err, errlen)) != 0) {
		store_journey_rollback(st);
		return rc < 0 ? -1 : 0;
	}
	n = store_checkin_cancel_future(st, c.id, now, err, errlen);
	if (n < 0 || store_customer_offboard(st, c.id, now, err, errlen) != 0 ||
	    store_journey_commit(st, err, errlen) != 0) {
		store_customer_clear(&c);
		store_journey_rollback(st);
		return -1;
	}
	store_customer_clear(&c);
	return (int) n;
}

int
journey_renewal(struct store *st, const struct ps_conf *conf, const char *customer,
		const char *date, time_t now, char *err, size_t errlen)
{
	struct store_customer c;
	struct plan_date pd;
	int rc;

	if (date == NULL || strlen(date) != 10 || plan_parse_date(date, &pd) != 0) {
		snprintf(err, errlen, "renewal date \"%.40s\" is not a date YYYY-MM-DD", date ? date : "");
		return -1;
	}
	if (store_journey_begin(st, err, errlen) != 0)
		return -1;
	if ((rc = store_customer_get(st, customer, &c, err, errlen)) != 0) {
		store_journey_rollback(st);
		if (rc > 0)
			snprintf(err, errlen, "%s: unknown customer", customer);
		return rc < 0 ? -1 : -2;
	}
	rc = store_customer_set_renewal(st, c.id, date, err, errlen);
	snprintf(c.renewal_date, sizeof(c.renewal_date), "%s", date);
	if (rc == 0 && c.onboarded_at != 0 && c.offboarded_at == 0)
		rc = journey_sync(st, conf, &c, 0, now, err, errlen);
	store_customer_clear(&c);
	if (rc < 0 || store_journey_commit(st, err, errlen) != 0) {
		store_journey_rollback(st);
		return -1;
	}
	return rc;
}

int
journey_customer_basics(struct store *st, const char *customer, struct journey_facts *out,
			char *err, size_t errlen)
{
	struct store_customer c;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_customer_get(st, customer, &c, err, errlen)) != 0)
		return rc;
	out->since = c.onboarded_at != 0 ? c.onboarded_at : c.first_seen;
	out->invoice_count = c.invoice_count;
	snprintf(out->name, sizeof(out->name), "%s", c.display_name ? c.display_name : "");
	snprintf(out->manager, sizeof(out->manager), "%s", c.manager ? c.manager : "");
	store_customer_clear(&c);
	return 0;
}

int
journey_customer_facts(struct store *st, const char *customer, struct journey_facts *out,
		       char *err, size_t errlen)
{
	long n;
	int rc;

	if ((rc = journey_customer_basics(st, customer, out, err, errlen)) != 0)
		return rc;
	if ((n = store_customer_invoices(st, customer, err, errlen)) > out->invoice_count)
		out->invoice_count = n;
	if ((n = store_customer_flagged(st, customer, err, errlen)) > 0)
		out->flagged_count = n;
	return 0;
}
