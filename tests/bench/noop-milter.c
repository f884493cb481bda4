/*
 * noop-milter - the benchmark's baseline: a libmilter filter that asks for the same
 * protocol steps as postsale-milter, receives the whole message and does nothing with
 * it. The ratio postsale-milter / noop-milter is the cost of postsale's own work.
 *
 * usage: noop-milter inet:PORT@127.0.0.1
 */
#include <stdio.h>
#include <stdlib.h>
#include <libmilter/mfapi.h>

#define PROTO_WANT (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NR_CONN | SMFIP_NR_RCPT | \
	SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_HDR_LEADSPC | SMFIP_SKIP)

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
static sfsistat noop_body(SMFICTX *c, unsigned char *b, size_t l) { (void) c, (void) b, (void) l; return SMFIS_CONTINUE; }
static sfsistat noop_step(SMFICTX *c) { (void) c; return SMFIS_CONTINUE; }

int
main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "noop", .xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE,
		.xxfi_connect = noop_noreply_conn, .xxfi_envfrom = noop_argv,
		.xxfi_envrcpt = noop_rcpt, .xxfi_header = noop_header, .xxfi_eoh = noop_eoh,
		.xxfi_body = noop_body, .xxfi_eom = noop_step, .xxfi_abort = noop_step,
		.xxfi_close = noop_step, .xxfi_data = noop_step, .xxfi_negotiate = noop_negotiate,
	};

	if (argc != 2) {
		fprintf(stderr, "usage: noop-milter SOCKET\n");
		return 64;
	}
	if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "noop-milter: cannot listen on %s\n", argv[1]);
		return 69;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
