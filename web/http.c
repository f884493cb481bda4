/*
 * http.c - postsale-web's request handler: it reads the request (a bounded body), finds
 * the session, checks the role and the CSRF token, runs the one handler of the path,
 * and answers with a page, a redirect or a clear error status.
 *
 * SECURITY: every byte of a request is untrusted. Bodies over WEB_FORM_MAX_BODY are
 * refused (413) before they are read; forms are parsed by lib/web_form.c; a session is
 * found only through the SHA-256 of its cookie's token; every POST but the login needs
 * a session and its CSRF token (compared in constant time); roles are checked before a
 * handler reads anything. Release and discard go to the privileged side (priv.c), which
 * checks them again. Every answer carries a Content-Security-Policy without scripts.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/log.h"
#include "compose/mta.h"
#include "util/passwd.h"
#include "priv.h"
#include "store/store_audit.h"
#include "store/store_invoice.h"
#include "store/store_user.h"
#include "web.h"
#include "console/web_csrf.h"
#include "console/web_form.h"
#include "util/xalloc.h"

/* Failed logins: at most this many per user and per client address in the window. */
#define THROTTLE_USER 5
#define THROTTLE_ADDR 20
#define THROTTLE_WINDOW 900		/* seconds */
#define NOTE_MAX 2000

/* One request's state between libmicrohttpd's calls. */
struct web_req {
	int post;
	int too_big;			/* the body went past WEB_FORM_MAX_BODY */
	int bad_type;			/* a POST that is not a urlencoded form */
	size_t len;
	char body[WEB_FORM_MAX_BODY];
};

/* The messages an invoice page shows after an action (?msg=): fixed texts only. */
static const struct {
	const char *code, *text;
} notices[] = {
	{"released", "Released: the message is on its way to its recipients."},
	{"discarded", "Discarded: the message is deleted from the queue."},
	{"reviewed", "Marked reviewed."},
	{"refused", "The mail server side refused the action; the audit log below says why."},
	{"notheld", "This invoice is not in the hold queue (any more)."},
};

/* send_page - queue p as the answer (and free it) */
static enum MHD_Result
send_page(struct MHD_Connection *c, const struct web_ctx *ctx, struct web_page *p)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *body = buf_steal(&p->body, &len), num[16];

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'self';"
	    " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (ctx->tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	if (p->location != NULL)
		MHD_add_response_header(r, "Location", p->location);
	if (p->cookie != NULL)
		MHD_add_response_header(r, "Set-Cookie", p->cookie);
	if (p->retry_after > 0) {
		snprintf(num, sizeof(num), "%d", p->retry_after);
		MHD_add_response_header(r, "Retry-After", num);
	}
	ret = MHD_queue_response(c, (unsigned) p->status, r);
	MHD_destroy_response(r);
	free(p->location);
	free(p->cookie);
	return ret;
}

/* redirect - a 303 to location (a path of ours) */
static void
redirect(struct web_page *p, const char *fmt, long long id, const char *code)
{
	p->status = 303;
	p->location = id > 0 ? xasprintf(fmt, id, code) : xstrdup(fmt);
	buf_adds(&p->body, "<!DOCTYPE html><title>See other</title><p>See <a href=\"");
	html_text(&p->body, p->location);
	buf_adds(&p->body, "\">here</a>.</p>\n");
}

/* store_trouble - the page for a store error (a locked database): 503, and the log */
static void
store_trouble(struct web_page *p, const struct web_user *u, const char *err)
{
	log_msg(LOG_ERR, NULL, "%s", err);
	p->retry_after = 5;
	page_message(p, 503, "Try again in a moment",
	    "The database is busy or cannot be read right now (the log says why). Nothing was changed.", u);
}

/* client_addr - the client's address as text */
static void
client_addr(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, len, "unknown");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *) (const void *) sa)->sin_addr, buf, (socklen_t) len);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr, buf, (socklen_t) len);
}

/* user_clear - free a request's user */
static void
user_clear(struct web_user *u)
{
	free(u->name);
	free(u->csrf);
	memset(u, 0, sizeof(*u));
}

/*
 * find_session - the request's session into u: 1 found (and refreshed), 0 none, 2 it
 * existed but was idle past web-session-timeout (now ended), -1 store error (err)
 */
static int
find_session(struct MHD_Connection *c, const struct web_ctx *ctx, struct web_user *u,
    time_t now, char *err, size_t errlen)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_COOKIE_NAME);
	char *role = NULL;
	time_t last;
	int rc;

	memset(u, 0, sizeof(*u));
	if (!web_token_valid(tok))
		return 0;
	web_token_hash(tok, u->token_hash);
	rc = session_get(ctx->st, u->token_hash, &u->name, &role, &u->csrf, &last, err, errlen);
	if (rc != 1) {
		free(role);
		return rc;
	}
	u->role = web_role_parse(role);
	free(role);
	if (web_session_expired(last, now, ctx->conf->web_session_timeout_ms) || u->role == WEB_ROLE_NONE) {
		rc = session_delete(ctx->st, u->token_hash, err, errlen);
		user_clear(u);
		return rc < 0 ? -1 : 2;
	}
	if (now != last && session_touch(ctx->st, u->token_hash, now, err, errlen) != 0) {
		user_clear(u);
		return -1;
	}
	return 1;
}

/* login_form - GET /login: the form, with the login token in a cookie and a field (the
 * browser's token when it has one: other tabs and requests keep theirs valid) */
static void
login_form(struct web_page *p, struct MHD_Connection *c, const struct web_ctx *ctx, int status,
    const char *notice)
{
	const char *have = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_LOGIN_COOKIE);
	char token[WEB_TOKEN_LEN + 1];

	if (web_token_valid(have)) {
		page_login(p, status, notice, have);
		return;
	}
	if (web_token_new(token) != 0) {
		page_message(p, 500, "Cannot log in", "The system gives no randomness.", NULL);
		return;
	}
	page_login(p, status, notice, token);
	p->cookie = web_cookie(WEB_LOGIN_COOKIE, token, ctx->tls);
}

/*
 * do_login - POST /login. The form's token must be the login cookie's (a double
 * submit: another site can neither read that cookie nor make the browser send it,
 * SameSite=Strict), so no other site can log a browser in.
 */
static void
do_login(struct web_page *p, struct MHD_Connection *c, const struct web_ctx *ctx,
    const struct web_form *f, time_t now)
{
	const char *lt = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_LOGIN_COOKIE);
	const char *name = web_form_get(f, "user"), *pw = web_form_get(f, "password");
	char addr[INET6_ADDRSTRLEN + 8], ukey[PASSWD_NAME_MAX + 8], akey[sizeof(addr) + 8];
	char err[512], *hash = NULL, *role = NULL, token[WEB_TOKEN_LEN + 1], csrf[WEB_TOKEN_LEN + 1];
	char th[WEB_TOKEN_LEN + 1], safe[80];
	int nu, na, known, ok;

	client_addr(c, addr, sizeof(addr));
	snprintf(akey, sizeof(akey), "addr:%s", addr);
	if (!web_csrf_check(lt, web_form_get(f, WEB_CSRF_FIELD))) {
		login_form(p, c, ctx, 403, "The login form expired or came from elsewhere: log in again.");
		return;
	}
	if (name == NULL || pw == NULL || !passwd_name_valid(name) || strlen(pw) > PASSWD_MAX_LEN) {
		page_login(p, 400, "Give a user name and a password.", lt);
		return;
	}
	snprintf(ukey, sizeof(ukey), "user:%s", name);
	if ((nu = login_failures(ctx->st, ukey, now - THROTTLE_WINDOW, err, sizeof(err))) < 0 ||
	    (na = login_failures(ctx->st, akey, now - THROTTLE_WINDOW, err, sizeof(err))) < 0) {
		store_trouble(p, NULL, err);
		return;
	}
	if (nu >= THROTTLE_USER || na >= THROTTLE_ADDR) {
		log_msg(LOG_WARNING, NULL, "login of %s from %s refused: too many failed logins", name, addr);
		page_login(p, 429, "Too many failed logins: wait 15 minutes before you try again.", lt);
		p->retry_after = THROTTLE_WINDOW;
		return;
	}
	if ((known = user_hash(ctx->st, name, &hash, &role, err, sizeof(err))) < 0) {
		store_trouble(p, NULL, err);
		return;
	}
	ok = passwd_verify(pw, hash) && web_role_parse(role) != WEB_ROLE_NONE;	/* same time when unknown */
	free(hash);
	free(role);
	if (!ok) {
		log_msg(LOG_NOTICE, NULL, "failed login of %s from %s%s", log_printable(safe, sizeof(safe), name, strlen(name)),
		    addr, known ? "" : " (no such user)");
		if (login_failure_add(ctx->st, ukey, now, now - THROTTLE_WINDOW, err, sizeof(err)) != 0 ||
		    login_failure_add(ctx->st, akey, now, now - THROTTLE_WINDOW, err, sizeof(err)) != 0) {
			store_trouble(p, NULL, err);
			return;
		}
		page_login(p, 401, "Wrong user name or password.", lt);
		return;
	}
	if (web_token_new(token) != 0 || web_token_new(csrf) != 0) {
		page_message(p, 500, "Cannot log in", "The system gives no randomness for a session.", NULL);
		return;
	}
	web_token_hash(token, th);
	if (login_failures_clear(ctx->st, ukey, err, sizeof(err)) != 0 ||
	    session_create(ctx->st, th, name, csrf, now, err, sizeof(err)) != 0) {
		store_trouble(p, NULL, err);
		return;
	}
	session_prune(ctx->st, now - ctx->conf->web_session_timeout_ms / 1000 - 1, err, sizeof(err));
	log_msg(LOG_INFO, NULL, "login of %s from %s", name, addr);
	redirect(p, "/", 0, NULL);
	p->cookie = web_session_cookie(token, ctx->tls);
	explicit_bzero(token, sizeof(token));
}

/* show_invoices - GET /invoices */
static void
show_invoices(struct web_page *p, struct MHD_Connection *c, const struct web_ctx *ctx,
    const struct web_user *u, time_t now)
{
	const char *state = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "state");
	const char *from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
	const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
	const char *number = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "number");
	const char *page = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page");
	struct console_filter f = { .state = CONSOLE_ALL, .per_page = 50 };
	struct store_rows rows = { 0 };
	long long pg = 0;
	char err[512];
	int more;

	if ((state && *state && console_state_parse(state, &f.state) != 0) ||
	    (from && *from && web_parse_date(from, &f.from) != 0) ||
	    (to && *to && web_parse_date(to, &f.to) != 0) ||
	    (page && *page && strcmp(page, "0") != 0 && (web_parse_id(page, &pg) != 0 || pg > 1000000)) ||
	    (number && strlen(number) > 200) || (number && !web_utf8_valid(number, strlen(number)))) {
		page_message(p, 400, "Bad filter", "A filter is malformed: the state is one of all, held, "
		    "flagged, reviewed, released, discarded; dates are YYYY-MM-DD; the page a number.", u);
		return;
	}
	if (f.to)
		f.to += 86400;		/* the "to" day counts */
	f.number = number && *number ? number : NULL;
	f.page = (long) pg;
	if (console_invoices(ctx->st, &f, &rows, &more, err, sizeof(err)) != 0) {
		store_rows_clear(&rows);
		store_trouble(p, u, err);
		return;
	}
	page_invoices(p, ctx, u, &f, &rows, more, now);
	store_rows_clear(&rows);
}

/* invoice_action - POST /invoice/ID/release|discard|review */
static void
invoice_action(struct web_page *p, const struct web_ctx *ctx, const struct web_user *u,
    long long id, const char *what, const struct web_form *f, const struct console_invoice *ci,
    time_t now)
{
	const char *action = store_rows_get(&ci->invoice, 0, CI_ACTION);
	const char *qid = store_rows_get(&ci->invoice, 0, CI_QUEUE_ID);
	int held = action && strcmp(action, "hold") == 0 && store_rows_get(&ci->invoice, 0, CI_HOLD_STATE) == NULL;
	char err[512], reply[PRIV_MSG_MAX], outcome[PRIV_MSG_MAX + 32];
	enum mta_op op;
	int rc;

	if (strcmp(what, "/review") == 0) {
		const char *note = web_form_get(f, "note");
		if (note == NULL || strlen(note) > NOTE_MAX) {
			page_message(p, 400, "Bad note", "The note is missing or longer than 2000 characters.", u);
			return;
		}
		if (journal_review(ctx->st, id, note, now, err, sizeof(err)) < 0 ||
		    audit_add(ctx->st, id, now, u->name, "review", "done", note, err, sizeof(err)) != 0) {
			store_trouble(p, u, err);
			return;
		}
		redirect(p, "/invoice/%lld?msg=%s", id, "reviewed");
		return;
	}
	op = strcmp(what, "/release") == 0 ? MTA_RELEASE : MTA_DISCARD;
	if (op == MTA_DISCARD && (web_form_get(f, "confirm") == NULL ||
	    strcmp(web_form_get(f, "confirm"), "yes") != 0)) {
		page_discard_confirm(p, u, ci);
		return;
	}
	if (!held || qid == NULL) {
		redirect(p, "/invoice/%lld?msg=%s", id, "notheld");
		return;
	}
	rc = priv_request(ctx->priv_fd, op, qid, reply, sizeof(reply));
	log_msg(rc == 0 ? LOG_NOTICE : LOG_WARNING, qid, "%s of invoice #%lld by %s: %s",
	    mta_op_name(op), id, u->name, reply);
	snprintf(outcome, sizeof(outcome), "%s", rc == 0 ? "done" : reply);
	if ((rc == 0 && console_set_hold_state(ctx->st, id, op == MTA_RELEASE ? "released" : "discarded",
	    err, sizeof(err)) < 0) ||
	    audit_add(ctx->st, id, now, u->name, mta_op_name(op), outcome, qid, err, sizeof(err)) != 0) {
		/* the MTA acted: say so even though the journal could not record it */
		log_msg(LOG_ERR, qid, "%s of invoice #%lld by %s: %s (not recorded: %s)", mta_op_name(op), id,
		    u->name, outcome, err);
		p->retry_after = 5;
		page_message(p, 503, rc == 0 ? "Done, but not recorded" : "Not done",
		    rc == 0 ? "The mail server acted, but the database is busy: the journal and the audit log "
		    "could not record it (the system log has it)." : reply, u);
		return;
	}
	redirect(p, "/invoice/%lld?msg=%s", id, rc == 0 ? (op == MTA_RELEASE ? "released" : "discarded") : "refused");
}

/* invoice_page - GET or POST /invoice/ID[/...] */
static void
invoice_page(struct web_page *p, struct MHD_Connection *c, const struct web_ctx *ctx,
    const struct web_user *u, const char *url, int post, const struct web_form *f, time_t now)
{
	struct console_invoice ci;
	const char *rest, *msg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "msg"), *notice = NULL;
	long long id;
	char err[512];
	int rc;

	if (web_path_id(url, "/invoice/", &id, &rest) != 0 ||
	    (strcmp(rest, "") != 0 && strcmp(rest, "/release") != 0 && strcmp(rest, "/discard") != 0 &&
	    strcmp(rest, "/review") != 0) || (post && rest[0] == '\0') ||
	    (!post && strcmp(rest, "") != 0 && strcmp(rest, "/discard") != 0)) {
		page_message(p, 404, "Not found", "There is no such page.", u);
		return;
	}
	if ((rc = console_invoice(ctx->st, id, &ci, err, sizeof(err))) != 1) {
		if (rc < 0)
			store_trouble(p, u, err);
		else
			page_message(p, 404, "No such invoice", "The journal has no invoice with this id.", u);
		console_invoice_clear(&ci);
		return;
	}
	if (post)
		invoice_action(p, ctx, u, id, rest, f, &ci, now);
	else if (strcmp(rest, "/discard") == 0)
		page_discard_confirm(p, u, &ci);
	else {
		for (size_t i = 0; msg != NULL && i < sizeof(notices) / sizeof(notices[0]); i++)
			if (strcmp(msg, notices[i].code) == 0)
				notice = notices[i].text;
		page_invoice(p, ctx, u, &ci, notice, now);
	}
	console_invoice_clear(&ci);
}

/* customers_page - GET /customers and /customer/ID */
static void
customers_page(struct web_page *p, struct MHD_Connection *c, const struct web_ctx *ctx,
    const struct web_user *u, const char *url)
{
	struct store_rows a = { 0 }, b = { 0 };
	const char *pg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page"), *rest;
	long long n = 0;
	char err[512];
	int more, rc;

	if (strcmp(url, "/customers") == 0) {
		if (pg && *pg && strcmp(pg, "0") != 0 && (web_parse_id(pg, &n) != 0 || n > 1000000)) {
			page_message(p, 400, "Bad page", "The page is a number.", u);
			return;
		}
		if (console_customers(ctx->st, (long) n, 50, &a, &more, err, sizeof(err)) != 0)
			store_trouble(p, u, err);
		else
			page_customers(p, u, &a, (long) n, more);
	} else if (web_path_id(url, "/customer/", &n, &rest) != 0 || *rest != '\0') {
		page_message(p, 404, "Not found", "There is no such page.", u);
	} else if ((rc = console_customer(ctx->st, n, &a, &b, err, sizeof(err))) < 0) {
		store_trouble(p, u, err);
	} else if (rc == 0) {
		page_message(p, 404, "No such customer", "The store has no customer with this id.", u);
	} else
		page_customer(p, u, &a, &b);
	store_rows_clear(&a);
	store_rows_clear(&b);
}

/* known_path - is url one of the console's pages (the others get 404 at once, with or
 * without a session) */
static int
known_path(const char *url)
{
	static const char *const exact[] = { "/", "/logout", "/invoices", "/customers", "/users" };

	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(url, exact[i]) == 0)
			return 1;
	return strncmp(url, "/invoice/", 9) == 0 || strncmp(url, "/customer/", 10) == 0;
}

/* route - answer one request whose body (for a POST) is in req */
static void
route(struct web_page *p, struct MHD_Connection *c, struct web_ctx *ctx, const char *url,
    struct web_req *req)
{
	struct web_user u;
	struct web_form f = { 0 };
	time_t now = time(NULL);
	char err[512];
	int s;

	if (req->post && req->too_big) {
		page_message(p, 413, "Too large", "The form is larger than this console accepts.", NULL);
		return;
	}
	if (req->post && req->bad_type) {
		page_message(p, 415, "Not a form", "Only application/x-www-form-urlencoded forms are accepted.", NULL);
		return;
	}
	if (req->post && web_form_parse(req->body, req->len, &f, err, sizeof(err)) != 0) {
		page_message(p, 400, "Bad form", err, NULL);
		return;
	}
	if (!req->post && strcmp(url, "/login") == 0) {
		login_form(p, c, ctx, 200, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "expired") ?
		    "Your session has expired: log in again." : NULL);
		goto out_form;
	}
	if (req->post && strcmp(url, "/login") == 0) {
		do_login(p, c, ctx, &f, now);
		goto out_form;
	}
	if (!known_path(url)) {
		page_message(p, 404, "Not found", "There is no such page.", NULL);
		goto out_form;
	}
	if ((s = find_session(c, ctx, &u, now, err, sizeof(err))) < 0) {
		store_trouble(p, NULL, err);
		goto out_form;
	}
	if (s != 1) {
		if (req->post)
			page_message(p, s == 2 ? 401 : 403, s == 2 ? "Session expired" : "Forbidden",
			    s == 2 ? "Your session has expired: log in again; nothing was changed." :
			    "Log in first; nothing was changed.", NULL);
		else
			redirect(p, s == 2 ? "/login?expired=1" : "/login", 0, NULL);
		goto out_form;
	}
	if (req->post && !web_csrf_check(u.csrf, web_form_get(&f, WEB_CSRF_FIELD))) {
		log_msg(LOG_WARNING, NULL, "POST %s by %s without a valid CSRF token: refused", url, u.name);
		page_message(p, 403, "Forbidden", "The form's security token is missing or wrong: "
		    "reload the page and try again; nothing was changed.", &u);
		goto out;
	}
	if (req->post && strcmp(url, "/logout") == 0) {
		if (session_delete(ctx->st, u.token_hash, err, sizeof(err)) != 0)
			store_trouble(p, &u, err);
		else {
			redirect(p, "/login", 0, NULL);
			p->cookie = web_session_cookie(NULL, ctx->tls);
		}
	} else if (!req->post && strcmp(url, "/") == 0) {
		redirect(p, web_role_may(u.role, WEB_RIGHT_INVOICES) ? "/invoices" : "/customers", 0, NULL);
	} else if (strcmp(url, "/invoices") == 0 || strncmp(url, "/invoice/", 9) == 0) {
		if (!web_role_may(u.role, WEB_RIGHT_INVOICES))
			page_message(p, 403, "Forbidden", "Your role does not see invoices.", &u);
		else if (strcmp(url, "/invoices") == 0 && !req->post)
			show_invoices(p, c, ctx, &u, now);
		else if (strcmp(url, "/invoices") != 0)
			invoice_page(p, c, ctx, &u, url, req->post, &f, now);
		else
			page_message(p, 405, "Method not allowed", "This page is only read.", &u);
	} else if (strcmp(url, "/customers") == 0 || strncmp(url, "/customer/", 10) == 0) {
		if (!web_role_may(u.role, WEB_RIGHT_CUSTOMERS))
			page_message(p, 403, "Forbidden", "Your role does not see customers.", &u);
		else if (req->post)
			page_message(p, 405, "Method not allowed", "Customers are read-only here.", &u);
		else
			customers_page(p, c, ctx, &u, url);
	} else if (strcmp(url, "/users") == 0) {
		struct store_rows rows = { 0 };
		if (!web_role_may(u.role, WEB_RIGHT_USERS))
			page_message(p, 403, "Forbidden", "Only an admin sees the users.", &u);
		else if (user_list(ctx->st, &rows, err, sizeof(err)) != 0)
			store_trouble(p, &u, err);
		else
			page_users(p, &u, &rows);
		store_rows_clear(&rows);
	} else
		page_message(p, 404, "Not found", "There is no such page.", &u);
out:
	user_clear(&u);
out_form:
	web_form_clear(&f);
}

enum MHD_Result
web_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct web_ctx *ctx = cls;
	struct web_req *req = *con_cls;
	struct web_page p = { .status = 200 };
	enum MHD_Result ret;

	(void) version;
	if (req == NULL) {
		const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		req = xcalloc(1, sizeof(*req));
		*con_cls = req;
		req->post = strcmp(method, "POST") == 0;
		if (!req->post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
			page_message(&p, 405, "Method not allowed", "Only GET and POST.", NULL);
			return send_page(c, ctx, &p);
		}
		if (req->post) {
			req->bad_type = type == NULL || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0;
			if (clen != NULL && strtoull(clen, NULL, 10) > WEB_FORM_MAX_BODY) {
				page_message(&p, 413, "Too large", "The form is larger than this console accepts.", NULL);
				return send_page(c, ctx, &p);
			}
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (req->len + *upload_data_size > sizeof(req->body))
			req->too_big = 1;
		else {
			memcpy(req->body + req->len, upload_data, *upload_data_size);
			req->len += *upload_data_size;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/style.css") == 0 && !req->post) {
		const char *css = page_css();
		struct MHD_Response *r = MHD_create_response_from_buffer(strlen(css), (void *) css,
		    MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Content-Type", "text/css; charset=utf-8");
		MHD_add_response_header(r, "Cache-Control", "max-age=3600");
		MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
		ret = MHD_queue_response(c, MHD_HTTP_OK, r);
		MHD_destroy_response(r);
		return ret;
	}
	route(&p, c, ctx, url, req);
	return send_page(c, ctx, &p);
}

void
web_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void) cls;
	(void) c;
	(void) toe;
	free(*con_cls);
	*con_cls = NULL;
}
