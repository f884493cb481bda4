/*
 * selfcheck.c - the checks of `postsale-milter -n` and of the store's permissions
 * (selfcheck.h).
 *
 * Trusts the config (already parsed and checked) and the system's user database. It
 * only looks (stat, getpwnam): run as root it creates nothing, so it never leaves
 * root-owned files where the filter's user must write. Access is judged from the mode
 * bits, owner and groups (as the kernel does without ACLs), for the user the filter
 * will run as, which need not be the user running the check.
 */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "selfcheck.h"
#include "util/xalloc.h"

#define SELFCHECK_MAX_GROUPS 256

struct identity {		/* whom the filter runs as */
	uid_t uid;
	gid_t groups[SELFCHECK_MAX_GROUPS];
	int ngroups;
	char name[64];
};

void
selfcheck_say_stderr(int level, const char *line)
{
	fprintf(stderr, "postsale-milter: %s: %s\n", level == LOG_ERR ? "error" : "warning", line);
}

void
selfcheck_say_log(int level, const char *line)
{
	log_msg(level, NULL, "%s", line);
}

/* say_f - format one line and hand it to say */
static void __attribute__((format(printf, 3, 4)))
say_f(selfcheck_say *say, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say(level, line);
}

/* identity_self - the current user and groups */
static void
identity_self(struct identity *id)
{
	struct passwd *pw;

	id->uid = geteuid();
	id->ngroups = getgroups(SELFCHECK_MAX_GROUPS - 1, id->groups);
	if (id->ngroups < 0)
		id->ngroups = 0;
	id->groups[id->ngroups++] = getegid();
	if ((pw = getpwuid(id->uid)) != NULL)
		snprintf(id->name, sizeof(id->name), "%s", pw->pw_name);
	else
		snprintf(id->name, sizeof(id->name), "uid %lu", (unsigned long) id->uid);
}

/* identity_user - the user the filter becomes, with the groups initgroups() gives it;
 * 0, or -1 when there is no such user */
static int
identity_user(struct identity *id, const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL)
		return -1;
	id->uid = pw->pw_uid;
	id->ngroups = SELFCHECK_MAX_GROUPS;
	if (getgrouplist(user, pw->pw_gid, id->groups, &id->ngroups) < 0) {
		id->groups[0] = pw->pw_gid;
		id->ngroups = 1;
	}
	snprintf(id->name, sizeof(id->name), "%s", user);
	return 0;
}

/* may - whether id may access (want: R_OK | W_OK | X_OK bits) a file of stat sb */
static int
may(const struct identity *id, const struct stat *sb, int want)
{
	int bits = sb->st_mode & 7;

	if (id->uid == 0)
		return 1;
	if (sb->st_uid == id->uid)
		bits = (sb->st_mode >> 6) & 7;
	else
		for (int i = 0; i < id->ngroups; i++)
			if (id->groups[i] == sb->st_gid) {
				bits = (sb->st_mode >> 3) & 7;
				break;
			}
	return (bits & want) == want;
}

/* owner_text - "user:group" of sb into buf */
static const char *
owner_text(const struct stat *sb, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(sb->st_uid);
	struct group *gr = getgrgid(sb->st_gid);
	char u[32], g[32];

	snprintf(u, sizeof(u), "%lu", (unsigned long) sb->st_uid);
	snprintf(g, sizeof(g), "%lu", (unsigned long) sb->st_gid);
	snprintf(buf, len, "%s:%s", pw ? pw->pw_name : u, gr ? gr->gr_name : g);
	return buf;
}

/* store_files - the store's directory and files against id; the number of problems.
 * With a database on a server only the state base's directory (the spool of unrecorded
 * records, the free/busy cache, the mailer's lock) is postsale's to write. */
static int
store_files(const struct ps_conf *conf, const struct identity *id, selfcheck_say *say)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	const char *base = conf_state_base(conf);
	int file = !conf_database_is_uri(conf);
	char *copy = xstrdup(base), *dir = dirname(copy), who[128];
	struct stat sb;
	int problems = 0;

	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		say_f(say, LOG_ERR, "store: %s: directory %s does not exist (create it, owned by %s)",
		    file ? base : "state-directory", dir, id->name);
		free(copy);
		return 1;
	}
	if (!may(id, &sb, W_OK | X_OK)) {
		if (file)
			say_f(say, LOG_ERR, "store: directory %s (owner %s, mode %04o) is not writable by"
			    " %s, who must create %s and its -wal and -shm files there", dir,
			    owner_text(&sb, who, sizeof(who)), (unsigned) (sb.st_mode & 07777), id->name,
			    base);
		else
			say_f(say, LOG_ERR, "store: state-directory %s (owner %s, mode %04o) is not"
			    " writable by %s, who keeps the spool of unrecorded records there", dir,
			    owner_text(&sb, who, sizeof(who)), (unsigned) (sb.st_mode & 07777), id->name);
		problems++;
	}
	free(copy);
	for (size_t i = 0; file && i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		char *path = xasprintf("%s%s", base, suffix[i]);

		if (stat(path, &sb) == 0 && !may(id, &sb, R_OK | W_OK)) {
			say_f(say, LOG_ERR, "store: %s (owner %s, mode %04o) is not writable by %s: invoices"
			    " would go unrecorded (chown it to %s; postsalectl and postsale-mailer run"
			    " as root become the store's owner first)", path,
			    owner_text(&sb, who, sizeof(who)), (unsigned) (sb.st_mode & 07777), id->name,
			    id->name);
			problems++;
		}
		free(path);
	}
	return problems;
}

/* address_at_localhost - whether the domain of addr is one only this machine knows */
static int
address_at_localhost(const char *addr)
{
	const char *at = strrchr(addr, '@'), *dom = at ? at + 1 : addr;
	size_t n = strlen(dom);

	return strcasecmp(dom, "localhost") == 0 || strcasecmp(dom, "localhost.localdomain") == 0 ||
	    (n > 10 && strcasecmp(dom + n - 10, ".localhost") == 0) ||
	    strncmp(dom, "[127.", 5) == 0 || strcasecmp(dom, "[IPv6:::1]") == 0;
}

int
selfcheck_keys(const struct ps_conf *conf, selfcheck_say *say)
{
	int problems = 0;

	if (conf->local_domains.n == 0) {
		say_f(say, LOG_ERR, "local-domains is empty: every recipient would count as external,"
		    " so colleagues would get thank-you notes and check-ins; set it to the company's"
		    " domains, e.g. local-domains = example.com");
		problems++;
	}
	if (conf->postsale_address == NULL || conf->postsale_address[0] == '\0' ||
	    address_at_localhost(conf->postsale_address)) {
		say_f(say, LOG_ERR, "postsale-address = %s: replies to invitations and the digest"
		    " could not reach it; set it to a mailbox of the company, e.g."
		    " postsale-address = postsale@example.com",
		    conf->postsale_address ? conf->postsale_address : "");
		problems++;
	}
	return problems;
}

int
selfcheck_install(const struct ps_conf *conf, const char *user, const char *socket,
    selfcheck_say *say)
{
	struct identity id;
	struct stat sb;
	const char *path = NULL;
	int problems = 0;

	if (geteuid() != 0)
		identity_self(&id);
	else if (identity_user(&id, user) != 0) {
		say_f(say, LOG_ERR, "user: %s does not exist (the package creates it; or set user"
		    " in the config, or -u)", user);
		return 1;
	} else if (id.uid == 0) {
		say_f(say, LOG_ERR, "user: %s is root: postsale-milter refuses to run as root", user);
		return 1;
	}
	if (strncmp(socket, "unix:", 5) == 0 || strncmp(socket, "local:", 6) == 0)
		path = strchr(socket, ':') + 1;
	else if (socket[0] == '/')
		path = socket;
	if (path != NULL) {
		char *copy = xstrdup(path), *dir = dirname(copy), who[128];

		if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			say_f(say, LOG_ERR, "socket: directory %s of %s does not exist (systemd-tmpfiles"
			    " creates /run/postsale at boot)", dir, path);
			problems++;
		} else if (!may(&id, &sb, W_OK | X_OK)) {
			/* Root creates the socket; the user removes it at a stop. */
			say_f(say, geteuid() == 0 ? LOG_WARNING : LOG_ERR, "socket: directory %s (owner %s,"
			    " mode %04o) is not writable by %s", dir, owner_text(&sb, who, sizeof(who)),
			    (unsigned) (sb.st_mode & 07777), id.name);
			problems += geteuid() != 0;
		}
		free(copy);
	}
	return problems + store_files(conf, &id, say);
}

int
selfcheck_store(const struct ps_conf *conf, selfcheck_say *say)
{
	struct identity id;

	identity_self(&id);
	return store_files(conf, &id, say);
}


void
selfcheck_store_failed(const struct ps_conf *conf)
{
	/* One thread at a time: getpwuid() and getgrgid() share their buffers. */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static int said;
	struct identity id;

	pthread_mutex_lock(&lock);
	if (!said) {
		identity_self(&id);
		said = store_files(conf, &id, selfcheck_say_log) > 0;
	}
	pthread_mutex_unlock(&lock);
}
