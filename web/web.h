/*
 * web.h - postsale-web's HTTP side: what its files share.
 *
 *   postsale-web.c  start as root, split into the privileged side (priv.c) and this
 *                   side, drop privileges, run libmicrohttpd
 *   http.c          the request handler: body, session, CSRF, routing, responses
 *   pages.c         the pages (HTML written through lib/html.h, every value escaped)
 *
 * The HTTP side is one thread (libmicrohttpd's internal polling thread): the handlers
 * run one at a time over one store connection.
 */
#ifndef PS_WEB_H
#define PS_WEB_H

#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

#include "conf/conf.h"
#include "util/html.h"
#include "store/store.h"
#include "store/store_console.h"
#include "store/store_rows.h"
#include "console/web_session.h"

struct web_ctx {
	struct ps_conf *conf;
	struct store *st;
	int priv_fd;			/* the socketpair to the privileged side */
	int tls;			/* HTTPS served by postsale-web itself */
	long hold_lifetime;		/* Postfix's maximal_queue_lifetime, seconds */
};

/* The logged-in user of a request. */
struct web_user {
	char *name;
	enum web_role role;
	char *csrf;
	char token_hash[WEB_TOKEN_LEN + 1];
};

/* A page being answered. */
struct web_page {
	int status;
	struct buf body;
	char *location;			/* a redirect (303) */
	char *cookie;			/* Set-Cookie */
	int retry_after;		/* seconds, for 429 and 503 */
};

/* http.c: the libmicrohttpd access handler and its completion callback */
enum MHD_Result web_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data, size_t *upload_data_size,
    void **con_cls);
void web_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe);

/* pages.c: each writes a whole page into p->body (and sets p->status) */
void page_begin(struct web_page *p, const char *title, const struct web_user *u);
void page_end(struct web_page *p);
/* page_message - a page with one heading and one paragraph (errors, refusals) */
void page_message(struct web_page *p, int status, const char *title, const char *text,
    const struct web_user *u);
void page_login(struct web_page *p, int status, const char *notice, const char *token);
void page_invoices(struct web_page *p, const struct web_ctx *ctx, const struct web_user *u,
    const struct console_filter *f, const struct store_rows *rows, int more, time_t now);
void page_invoice(struct web_page *p, const struct web_ctx *ctx, const struct web_user *u,
    const struct console_invoice *ci, const char *notice, time_t now);
void page_discard_confirm(struct web_page *p, const struct web_user *u,
    const struct console_invoice *ci);
void page_customers(struct web_page *p, const struct web_user *u, const struct store_rows *rows,
    long page, int more);
void page_customer(struct web_page *p, const struct web_user *u, const struct store_rows *cust,
    const struct store_rows *checkins);
void page_users(struct web_page *p, const struct web_user *u, const struct store_rows *rows);
/* page_css - the style sheet (static) */
const char *page_css(void);

#endif
