/*
 * noop-milter - the benchmark's baseline: a libmilter filter that asks for the same
 * protocol steps as postsale-milter, receives the whole message and does nothing with
 * it. The ratio postsale-milter / noop-milter is the cost of postsale's own work.
 *
 * With -H it adds one header at end of message, and with -B it replaces the body with
 * the same bytes: the edits postsale-milter makes to an invoice (its X-Postsale-Invoice
 * header) and to a message with a note (the new body). Postfix's cleanup pays for
 * applying a filter's edits; this baseline pays it too, so that the ratio against it is
 * postsale's own work alone. Like postsale-milter it sets TCP_NODELAY on its listening
 * socket (milter/nodelay.c), so that its replies to an edited message are not held back
 * by Nagle's algorithm either.
 *
 * usage: noop-milter [-H] [-B] inet:PORT@127.0.0.1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "nodelay.h"

#define PROTO_WANT (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NR_CONN | SMFIP_NR_RCPT | \
	SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_HDR_LEADSPC | SMFIP_SKIP)

static int add_header, replace_body;

struct body {			/* the body so far, with -B */
	unsigned char *bytes;
	size_t len, cap;
};

static sfsistat
noop_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	(void) ctx, (void) f2, (void) f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE);
	*pf1 = f1 & PROTO_WANT;
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat noop_noreply_conn(SMFICTX *c, char *h, _SOCK_ADDR *a) { (void) c, (void) h, (void) a; return SMFIS_NOREPLY; }
static sfsistat noop_argv(SMFICTX *c, char **v) { (void) c, (void) v; return SMFIS_CONTINUE; }
static sfsistat noop_rcpt(SMFICTX *c, char **v) { (void) c, (void) v; return SMFIS_NOREPLY; }
static sfsistat noop_header(SMFICTX *c, char *n, char *v) { (void) c, (void) n, (void) v; return SMFIS_NOREPLY; }
static sfsistat noop_eoh(SMFICTX *c) { (void) c; return SMFIS_NOREPLY; }
static sfsistat noop_step(SMFICTX *c) { (void) c; return SMFIS_CONTINUE; }

/* noop_body - keep the body with -B, else drop it */
static sfsistat
noop_body(SMFICTX *c, unsigned char *chunk, size_t len)
{
	struct body *b = smfi_getpriv(c);

	if (!replace_body)
		return SMFIS_CONTINUE;
	if (b == NULL) {
		b = calloc(1, sizeof(*b));
		smfi_setpriv(c, b);
	}
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->bytes = realloc(b->bytes, b->cap);
	}
	memcpy(b->bytes + b->len, chunk, len);
	b->len += len;
	return SMFIS_CONTINUE;
}

/* noop_done - forget the body */
static void
noop_done(SMFICTX *c)
{
	struct body *b = smfi_getpriv(c);

	if (b != NULL) {
		smfi_setpriv(c, NULL);
		free(b->bytes);
		free(b);
	}
}

static sfsistat
noop_eom(SMFICTX *c)
{
	struct body *b = smfi_getpriv(c);

	if (add_header)
		smfi_addheader(c, "X-Noop", " ok; number=TOSL108");
	if (replace_body && b != NULL)
		smfi_replacebody(c, b->bytes, (int) b->len);
	noop_done(c);
	return SMFIS_CONTINUE;
}

static sfsistat noop_abort(SMFICTX *c) { noop_done(c); return SMFIS_CONTINUE; }

int
main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "noop", .xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE,
		.xxfi_connect = noop_noreply_conn, .xxfi_envfrom = noop_argv,
		.xxfi_envrcpt = noop_rcpt, .xxfi_header = noop_header, .xxfi_eoh = noop_eoh,
		.xxfi_body = noop_body, .xxfi_eom = noop_eom, .xxfi_abort = noop_abort,
		.xxfi_close = noop_step, .xxfi_data = noop_step, .xxfi_negotiate = noop_negotiate,
	};
	int ch;

	while ((ch = getopt(argc, argv, "HB")) != -1) {
		if (ch == 'H')
			add_header = 1;
		else if (ch == 'B')
			replace_body = 1;
		else
			return 64;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: noop-milter [-H] [-B] SOCKET\n");
		return 64;
	}
	if (smfi_setconn(argv[optind]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "noop-milter: cannot listen on %s\n", argv[optind]);
		return 69;
	}
	nodelay_listeners();
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
