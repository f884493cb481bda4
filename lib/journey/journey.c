/*
 * journey.c - onboarding, off-boarding and renewal: config -> plan -> store.
 *
 * Trust: customer and sender addresses and names come from mail and are validated
 * (text_addr_valid) before anything is stored; config values were checked at load
 * and are parsed again here without trusting them further.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "freebusy.h"
#include "journey.h"
#include "store/store_reply.h"
#include "store/store_journey.h"
#include "util/xalloc.h"
#include "conf/manager.h"
#include "util/text.h"
#include "util/timetext.h"
#include "util/zone.h"

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

/* manager_defaults - a manager described by the global keys alone */
static void
manager_defaults(const struct ps_conf *conf, const char *address, struct manager *m)
{
	const char *v;
	size_t len;

	memset(m, 0, sizeof(*m));
	snprintf(m->address, sizeof(m->address), "%s", address);
	if ((v = conf_pair_lookup(&conf->manager_timezones, address, &len)) != NULL)
		snprintf(m->tz, sizeof(m->tz), "%.*s", (int) len, v);
	else
		snprintf(m->tz, sizeof(m->tz), "%s", conf->checkin_timezone &&
		    conf->checkin_timezone[0] ? conf->checkin_timezone : "UTC");
	snprintf(m->days, sizeof(m->days), "%s", conf->checkin_workdays);
	if (timetext_parse_workdays(conf->checkin_workdays, &m->workdays) != 0)
		m->workdays = 0;	/* journey_plan_opts reports it */
	if (timetext_parse_hours(conf->checkin_hours, &m->day_start_min, &m->day_end_min) != 0)
		m->day_start_min = m->day_end_min = 0;
	m->slot_min = (int) (conf->checkin_length_ms / 60000);
}

int
journey_manager_get(const struct ps_conf *conf, const char *address, struct manager *out,
		    char *err, size_t errlen)
{
	struct manager def;
	char addr[256], why[512];

	manager_defaults(conf, address, &def);
	*out = def;
	for (size_t i = 0; i < conf->managers.n; i++) {
		manager_line_address(conf->managers.v[i], addr, sizeof(addr));
		if (strcasecmp(addr, address) != 0)
			continue;
		if (manager_parse(conf->managers.v[i], &def, out, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "manager %s: %s", address, why);
			return -1;
		}
		snprintf(out->address, sizeof(out->address), "%s", address);
		return 0;
	}
	return 0;
}

char *
journey_manager_name(struct store *st, const struct ps_conf *conf, const char *manager)
{
	struct manager m;
	char err[512], name[256];

	if (manager == NULL)
		return NULL;
	if (journey_manager_get(conf, manager, &m, err, sizeof(err)) == 0 && m.name[0] != '\0')
		return xstrdup(m.name);
	if (st == NULL)
		return NULL;
	if (store_manager_name(st, manager, name, sizeof(name), err, sizeof(err)) == 0)
		return xstrdup(name);
	/* else the name the manager's own answers gave */
	return store_reply_manager_cn(st, manager);
}

int
journey_plan_opts(const struct ps_conf *conf, const struct manager *m, const char *spread_key,
		  struct plan_opts *opts, struct plan_date **holidays, char *err, size_t errlen)
{
	size_t i;

	plan_opts_init(opts);
	*holidays = NULL;
	opts->tz = m->tz;
	opts->spread_key = spread_key;
	if (zone_check(m->tz, err, errlen) != 0)
		return -1;
	if (m->day_end_min <= m->day_start_min) {
		snprintf(err, errlen, "manager %s: business hours hold no time (checkin-hours \"%s\")",
		    m->address, conf->checkin_hours);
		return -1;
	}
	opts->day_start_min = m->day_start_min;
	opts->day_end_min = m->day_end_min;
	if ((opts->workdays = m->workdays) == 0) {
		snprintf(err, errlen, "manager %s: no working days (checkin-workdays \"%s\")",
		    m->address, conf->checkin_workdays);
		return -1;
	}
	if ((opts->slot_min = m->slot_min) <= 0) {
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

const char *
journey_busy_file(const struct ps_conf *conf, const struct manager *m, char *buf, size_t len)
{
	if (!manager_busy_is_url(m->busy))
		return m->busy;
	return freebusy_cache_path(conf->database, m->address, buf, len);
}

/* The manager's bookings and the customer's stored check-ins, as the planner takes them. */
struct journey_ctx {
	struct manager m;
	struct plan_opts opts;
	struct plan_date *holidays;
	struct store_busy *sb;
	size_t n_sb;
	struct plan_busy *busy;
	struct store_checkin *own;	/* the customer's check-ins (journey_sync) */
	size_t n_own;
	struct plan_fixed *fixed;
};

/* ctx_free - release what ctx_load and journey_sync allocated */
static void
ctx_free(struct journey_ctx *x)
{
	free(x->holidays);
	free(x->sb);
	free(x->busy);
	store_checkins_free(x->own, x->n_own);
	free(x->fixed);
	memset(x, 0, sizeof(*x));
}

/*
 * ctx_load - the manager's settings, plan options and bookings that end after from,
 * leaving out check-in exclude_id; the bookings of customer_id block its days; the
 * manager's busy file is read for [from, to). 0 or -1.
 */
static int
ctx_load(struct store *st, const struct ps_conf *conf, const char *manager,
	 const char *spread_key, long long customer_id, long long exclude_id, time_t from,
	 time_t to, struct journey_ctx *x, char *err, size_t errlen)
{
	char path[1024];

	memset(x, 0, sizeof(*x));
	if (manager == NULL || !text_addr_valid(manager)) {
		snprintf(err, errlen, "manager address \"%s\" is not an address",
		    manager ? manager : "");
		return -1;
	}
	if (journey_manager_get(conf, manager, &x->m, err, errlen) != 0 ||
	    journey_plan_opts(conf, &x->m, spread_key, &x->opts, &x->holidays, err, errlen) != 0 ||
	    store_checkin_busy(st, manager, from, exclude_id, &x->sb, &x->n_sb, err, errlen) != 0) {
		ctx_free(x);
		return -1;
	}
	x->opts.tz = x->m.tz;
	x->busy = xcalloc(x->n_sb + 1, sizeof(*x->busy));
	for (size_t i = 0; i < x->n_sb; i++) {
		x->busy[i].start = x->sb[i].start;
		x->busy[i].end = x->sb[i].end;
		x->busy[i].same_customer = x->sb[i].customer_id == customer_id;
	}
	x->opts.busy = x->busy;
	x->opts.n_busy = x->n_sb;
	if (x->m.busy[0] != '\0' && freebusy_load(journey_busy_file(conf, &x->m, path,
	    sizeof(path)), x->m.tz, from, to, &x->busy, &x->opts.n_busy, err, errlen) != 0) {
		char why[1024];
		snprintf(why, sizeof(why), "manager %s: busy: %s%s", manager, err,
		    manager_busy_is_url(x->m.busy) ? " (postsalectl managers --refresh fetches it)" : "");
		snprintf(err, errlen, "%s", why);
		ctx_free(x);
		return -1;
	}
	x->opts.busy = x->busy;
	return 0;
}

/* journey_horizon - the end of the time customer c's plan can reach: its last
 * anniversary or quarter, or its renewal, counted from the later of its onboarding and
 * now, with JOURNEY_BUSY_AHEAD to spare for shifts */
static time_t
journey_horizon(const struct ps_conf *conf, const struct store_customer *c, time_t now)
{
	time_t base = c->onboarded_at > now ? c->onboarded_at : now, renewal;
	long days = conf->checkin_anniversaries * 366 > conf->checkin_quarterly_until ?
	    conf->checkin_anniversaries * 366 : conf->checkin_quarterly_until;
	struct plan_date d;

	base += (time_t) days * 86400 + JOURNEY_BUSY_AHEAD;
	if (c->renewal_date[0] != '\0' && plan_parse_date(c->renewal_date, &d) == 0 &&
	    plan_local_to_utc("UTC", &d, 0, &renewal) >= 0 && renewal + JOURNEY_BUSY_AHEAD > base)
		base = renewal + JOURNEY_BUSY_AHEAD;
	return base;
}

/* date_text - "YYYY-MM-DD" of d into buf */
static char *
date_text(const struct plan_date *d, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02d", d->year, d->month, d->day);
	return buf;
}

/* own_find - the customer's stored check-in of kind and ordinal, or NULL */
static struct store_checkin *
own_find(struct journey_ctx *x, const char *kind, int ordinal)
{
	for (size_t i = 0; i < x->n_own; i++)
		if (x->own[i].ordinal == ordinal && strcmp(x->own[i].kind, kind) == 0)
			return &x->own[i];
	return NULL;
}

/*
 * ctx_fixed - tell the planner which stored check-ins of the customer stay: all but, with
 * revive, the cancelled and the past ones of an earlier journey (planned again); a
 * cancelled one that stays books nothing. The customer's bookings leave x->busy: the
 * planner books the ones that stay.
 */
static void
ctx_fixed(struct journey_ctx *x, long long customer_id, int revive, time_t now)
{
	size_t nf = 0, nb = 0;
	int minute;

	x->fixed = xcalloc(x->n_own + 1, sizeof(*x->fixed));
	for (size_t i = 0; i < x->n_own; i++) {
		struct store_checkin *o = &x->own[i];
		struct plan_fixed *f = &x->fixed[nf];
		int cancelled = strcmp(o->state, "cancelled") == 0 || strcmp(o->state, "skipped") == 0;
		if (revive && (cancelled || o->due_at <= now))
			continue;
		f->kind = o->kind;
		f->ordinal = o->ordinal;
		f->start = o->due_at;
		f->end = o->end_at;
		f->inactive = cancelled;
		if (o->planned_for[0] != '\0')
			plan_parse_date(o->planned_for, &f->nominal);
		else if (strcmp(o->kind, "pre-renewal") == 0)	/* stored before planned_for */
			plan_utc_to_local(x->m.tz, o->due_at, &f->nominal, &minute);
		nf++;
	}
	for (size_t i = 0; i < x->opts.n_busy; i++)	/* past n_sb: the manager's calendar */
		if (i >= x->n_sb || x->sb[i].customer_id != customer_id)
			x->busy[nb++] = x->busy[i];
	x->opts.n_busy = nb;
	x->opts.fixed = x->fixed;
	x->opts.n_fixed = nf;
}

/*
 * journey_sync - bring the stored check-ins of customer c in line with its plan: add the
 * missing ones (those already past as skipped); with revive, plan cancelled and past
 * ones again; move one whose due date changed (a pre-renewal check-in after a new
 * renewal date). Runs inside the caller's transaction. Returns the count of future
 * check-ins added or changed.
 */
static int
journey_sync(struct store *st, const struct ps_conf *conf, const struct store_customer *c,
	     int revive, time_t now, char *err, size_t errlen)
{
	struct journey_ctx x;
	struct plan_checkin *plan = NULL;
	size_t n = 0;
	int changed = 0, rc = -1;
	char day[16];

	if (ctx_load(st, conf, c->manager, c->address, c->id, 0, c->onboarded_at - 86400,
	    journey_horizon(conf, c, now), &x, err, errlen) != 0) {
		if (c->manager == NULL || !text_addr_valid(c->manager))
			snprintf(err, errlen, "customer %s: manager address \"%s\" is not an address",
			    c->address, c->manager ? c->manager : "");
		return -1;
	}
	if (c->renewal_date[0] != '\0' && plan_parse_date(c->renewal_date, &x.opts.renewal_date) == 0)
		x.opts.has_renewal = 1;
	if (store_checkin_list(st, c->address, &x.own, &x.n_own, err, errlen) != 0)
		goto out;
	ctx_fixed(&x, c->id, revive, now);
	if (plan_checkins(&x.opts, c->onboarded_at, &plan, &n, err, errlen) != 0) {
		char why[1024];
		snprintf(why, sizeof(why), "customer %s, manager %s: %s", c->address, c->manager, err);
		snprintf(err, errlen, "%s", why);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct store_checkin *cur;
		long long id;
		int past = plan[i].start <= now;

		if (plan[i].kept)
			continue;
		date_text(&plan[i].nominal, day, sizeof(day));
		if ((cur = own_find(&x, plan[i].kind, plan[i].ordinal)) == NULL) {
			if (store_checkin_insert(st, c->id, c->address, c->manager, plan[i].kind,
			    plan[i].ordinal, plan[i].start, plan[i].end, x.m.tz,
			    journey_uid_domain(conf), day, past ? "skipped" : NULL, &id, err,
			    errlen) < 0)
				goto out;
			changed += !past;
			continue;
		}
		if (past)
			continue;	/* an old one stays as it was */
		if (strcmp(cur->state, "cancelled") == 0 || strcmp(cur->state, "skipped") == 0) {
			if (!revive)
				continue;
			if (strcmp(cur->state, "skipped") == 0 ?
			    store_checkin_move(st, cur->id, plan[i].start, plan[i].end, err, errlen) < 0 :
			    store_checkin_revive(st, cur->id, plan[i].start, plan[i].end, err, errlen) < 0)
				goto out;
		} else if (store_checkin_move(st, cur->id, plan[i].start, plan[i].end, err, errlen) < 0)
			goto out;
		if (store_checkin_set_planned_for(st, cur->id, day, err, errlen) < 0)
			goto out;
		changed++;
	}
	rc = changed;
out:
	free(plan);
	ctx_free(&x);
	return rc;
}

int
journey_replan_checkin(struct store *st, const struct ps_conf *conf, long long checkin_id,
		       time_t not_before, time_t *new_start, char *err, size_t errlen)
{
	struct store_checkin c;
	struct journey_ctx x;
	struct plan_checkin slot;
	time_t after;
	int own_tx = sqlite3_get_autocommit(st->db), rc;

	if (own_tx && store_journey_begin(st, err, errlen) != 0)
		return -1;
	if ((rc = store_checkin_get(st, checkin_id, &c, err, errlen)) != 0) {
		if (rc > 0)
			snprintf(err, errlen, "check-in %lld: no such check-in", checkin_id);
		goto done;
	}
	if (strcmp(c.state, "cancelled") == 0) {
		snprintf(err, errlen, "check-in %lld is cancelled", checkin_id);
		rc = 1;
		goto done_c;
	}
	after = not_before > c.end_at ? not_before : c.end_at;
	rc = -1;
	if (ctx_load(st, conf, c.manager, c.customer, c.customer_id, c.id, after - 86400,
	    after + JOURNEY_BUSY_AHEAD, &x, err, errlen) != 0)
		goto done_c;
	if (plan_next_free(&x.opts, after, &slot, err, errlen) == 0 &&
	    store_checkin_move(st, c.id, slot.start, slot.end, err, errlen) == 0) {
		if (new_start != NULL)
			*new_start = slot.start;
		rc = 0;
	}
	ctx_free(&x);
done_c:
	store_checkin_clear(&c);
done:
	if (own_tx) {
		if (rc == 0 && store_journey_commit(st, err, errlen) != 0)
			rc = -1;
		if (rc != 0)
			store_journey_rollback(st);
	}
	return rc;
}

int
journey_next_free(struct store *st, const struct ps_conf *conf, const char *manager,
		  time_t after, time_t *out, char *err, size_t errlen)
{
	struct journey_ctx x;
	struct plan_checkin slot;
	int rc;

	if (ctx_load(st, conf, manager, NULL, 0, 0, after - 86400, after + JOURNEY_BUSY_AHEAD,
	    &x, err, errlen) != 0)
		return -1;
	if ((rc = plan_next_free(&x.opts, after, &slot, err, errlen)) == 0)
		*out = slot.start;
	ctx_free(&x);
	return rc;
}

int
journey_managers_sync(struct store *st, const struct ps_conf *conf, time_t now, char *err,
		      size_t errlen)
{
	struct manager m;
	char **seen = NULL, addr[256];
	size_t n = 0;
	int rc = -1;

	if (store_journey_begin(st, err, errlen) != 0)
		return -1;
	if (store_manager_reset(st, err, errlen) != 0 ||
	    store_manager_seen(st, &seen, &n, err, errlen) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (text_addr_valid(seen[i]) &&
		    (journey_manager_get(conf, seen[i], &m, err, errlen) != 0 ||
		    store_manager_put(st, &m, now, err, errlen) != 0))
			goto out;
	for (size_t i = 0; i < conf->managers.n; i++) {
		manager_line_address(conf->managers.v[i], addr, sizeof(addr));
		if (journey_manager_get(conf, addr, &m, err, errlen) != 0 ||
		    store_manager_put(st, &m, now, err, errlen) != 0)
			goto out;
	}
	rc = store_journey_commit(st, err, errlen);
out:
	for (size_t i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	if (rc != 0)
		store_journey_rollback(st);
	return rc;
}

int
journey_slot_check(struct store *st, const struct ps_conf *conf, const struct store_checkin *c,
		   time_t start, time_t end, char *why, size_t whylen)
{
	struct journey_ctx x;
	int rc;

	if (ctx_load(st, conf, c->manager, c->customer, c->customer_id, c->id, start - 86400,
	    end + 86400, &x, why, whylen) != 0)
		return -1;
	rc = plan_slot_check(&x.opts, start, end, why, whylen);
	ctx_free(&x);
	return rc;
}

int
journey_since(const struct ps_conf *conf, const char *manager, const char *date, time_t *out,
	      char *err, size_t errlen)
{
	struct manager m;
	struct plan_date d;

	if (date == NULL || plan_parse_date(date, &d) != 0) {
		snprintf(err, errlen, "\"%.40s\" is not a date YYYY-MM-DD", date ? date : "");
		return -1;
	}
	if (journey_manager_get(conf, manager, &m, err, errlen) != 0)
		return -1;
	/* A midnight in a DST gap reads as RFC 5545 says: the same date either way. */
	if (plan_local_to_utc(m.tz, &d, 0, out) < 0) {
		snprintf(err, errlen, "manager %s: time zone \"%s\" is not known to libical",
		    manager, m.tz);
		return -1;
	}
	return 0;
}

/*
 * journey_onboard - onboard address (manager already checked) at since, with a renewal
 * date or NULL, inside the caller's transaction; *again is 1 when the customer was
 * already active (its onboarding and manager stay). The count of journey_sync, or -1.
 */
static int
journey_onboard(struct store *st, const struct ps_conf *conf, const char *address,
		const char *name, const char *manager, time_t since, const char *renewal,
		time_t now, int *again, char *err, size_t errlen)
{
	struct store_customer c;
	struct manager m;
	int rc;

	if (journey_manager_get(conf, manager, &m, err, errlen) != 0 ||
	    store_manager_put(st, &m, now, err, errlen) != 0 ||
	    store_customer_onboard_at(st, address, name, manager, since, now, &c, again, err,
	    errlen) != 0)
		return -1;
	if (renewal != NULL) {
		if (store_customer_set_renewal(st, c.id, renewal, err, errlen) != 0) {
			store_customer_clear(&c);
			return -1;
		}
		snprintf(c.renewal_date, sizeof(c.renewal_date), "%s", renewal);
	}
	rc = journey_sync(st, conf, &c, !*again, now, err, errlen);
	store_customer_clear(&c);
	return rc;
}

int
journey_start(struct store *st, const struct ps_conf *conf,
	      const struct journey_party *customer, const char *sender,
	      const struct onboard_info *info, time_t now, char *err, size_t errlen)
{
	char abuf[512], sbuf[512], *mapped;
	const char *address, *manager;
	time_t since = now;
	int again, rc;

	address = onboard_bare_address(customer->address, abuf, sizeof(abuf));
	if (address == NULL || !text_addr_valid(address)) {
		snprintf(err, errlen, "customer address \"%.200s\" is not an address",
		    customer->address ? customer->address : "");
		return -1;
	}
	mapped = journey_manager(conf, address);
	manager = mapped != NULL ? mapped : onboard_bare_address(sender, sbuf, sizeof(sbuf));
	if (manager == NULL || !text_addr_valid(manager)) {
		snprintf(err, errlen, "customer %s: manager address \"%.200s\" (%s) is not an address",
		    address, mapped ? mapped : (sender ? sender : ""),
		    mapped ? "account-managers" : "the sender");
		free(mapped);
		return -1;
	}
	/* An onboarding date in the message counts unless it is more than a year ahead. */
	if (info != NULL && info->has_since &&
	    (journey_since(conf, manager, info->since, &since, err, errlen) != 0 ||
	    since > now + JOURNEY_MAX_AHEAD))
		since = now;
	if (store_journey_begin(st, err, errlen) != 0) {
		free(mapped);
		return -1;
	}
	rc = journey_onboard(st, conf, address, customer->name, manager, since,
	    info != NULL && info->has_renewal ? info->renewal : NULL, now, &again, err, errlen);
	free(mapped);
	if (rc < 0 || store_journey_commit(st, err, errlen) != 0) {
		store_journey_rollback(st);
		return -1;
	}
	return rc;
}

int
journey_add(struct store *st, const struct ps_conf *conf, const struct journey_new *nc,
	    time_t now, struct journey_added *out, char *err, size_t errlen)
{
	struct store_customer cur;
	struct store_checkin *v;
	struct plan_date d;
	char *mapped = NULL;
	const char *manager = nc->manager;
	time_t since;
	size_t n;
	int again, rc;

	memset(out, 0, sizeof(*out));
	if (nc->address == NULL || !text_addr_valid(nc->address)) {
		snprintf(err, errlen, "address: \"%.200s\" is not a mail address",
		    nc->address ? nc->address : "");
		return -1;
	}
	if ((manager == NULL || *manager == '\0') &&
	    (manager = mapped = journey_manager(conf, nc->address)) == NULL) {
		snprintf(err, errlen, "manager: none given, and account-managers has none for %s",
		    nc->address);
		return -1;
	}
	rc = -1;
	if (!text_addr_valid(manager)) {
		snprintf(err, errlen, "manager: \"%.200s\" is not a mail address", manager);
		goto out;
	}
	if (nc->renewal != NULL && plan_parse_date(nc->renewal, &d) != 0) {
		snprintf(err, errlen, "renewal: \"%.40s\" is not a date YYYY-MM-DD", nc->renewal);
		goto out;
	}
	if (journey_since(conf, manager, nc->since, &since, err, errlen) != 0) {
		char why[512];
		snprintf(why, sizeof(why), "since: %s", err);
		snprintf(err, errlen, "%s", why);
		goto out;
	}
	if (since > now + JOURNEY_MAX_AHEAD) {
		snprintf(err, errlen, "since: %s is more than a year ahead", nc->since);
		goto out;
	}
	if ((rc = store_customer_get(st, nc->address, &cur, err, errlen)) < 0)
		goto out;
	if (rc == 0) {
		time_t was = cur.onboarded_at;
		int active = was != 0 && cur.offboarded_at == 0;
		int same = was == since;
		store_customer_clear(&cur);
		if (active && !same) {
			char when[32];
			struct plan_date od;
			int min;
			struct manager m;
			if (journey_manager_get(conf, manager, &m, err, errlen) == 0 &&
			    plan_utc_to_local(m.tz, was, &od, &min) == 0)
				date_text(&od, when, sizeof(when));
			else
				snprintf(when, sizeof(when), "another day");
			snprintf(err, errlen, "%s was onboarded on %s already (offboard it first to"
			    " start again)", nc->address, when);
			rc = -1;
			goto out;
		}
		out->existed = active;
	}
	rc = journey_onboard(st, conf, nc->address, nc->name, manager, since, nc->renewal, now,
	    &again, err, errlen);
	if (rc < 0)
		goto out;
	out->planned = rc;
	if (store_checkin_list(st, nc->address, &v, &n, err, errlen) != 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		out->skipped += strcmp(v[i].state, "skipped") == 0;
	store_checkins_free(v, n);
	rc = 0;
out:
	free(mapped);
	return rc;
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
	if ((address = onboard_bare_address(customer, abuf, sizeof(abuf))) == NULL) {
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
