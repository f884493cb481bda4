/*
 * log.c - logging over syslog, or stderr in the foreground.
 *
 * Trusts its format strings (they are the program's own); every untrusted string the
 * callers log goes through log_printable() first, so that a client cannot forge log
 * lines with CR/LF or terminal escapes.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "text.h"

static int log_to_stderr = 1;
/* written on SIGHUP (the config reloaded) while the milter's workers read it */
static atomic_int log_max_level = LOG_INFO;
static const char *log_ident = "postsale";
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
	const char *name;
	int value;
} log_facilities[] = {
	{"mail", LOG_MAIL}, {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
}, log_levels[] = {
	{"err", LOG_ERR}, {"error", LOG_ERR}, {"warning", LOG_WARNING},
	{"notice", LOG_NOTICE}, {"info", LOG_INFO}, {"debug", LOG_DEBUG},
};

void
log_open(const char *ident, int facility, int to_stderr)
{
	log_ident = ident;
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void
log_set_level(int level)
{
	atomic_store_explicit(&log_max_level, level, memory_order_relaxed);
}

int
log_facility(const char *name)
{
	for (size_t i = 0; i < sizeof(log_facilities) / sizeof(log_facilities[0]); i++)
		if (strcasecmp(name, log_facilities[i].name) == 0)
			return log_facilities[i].value;
	return -1;
}

int
log_level(const char *name)
{
	for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (strcasecmp(name, log_levels[i].name) == 0)
			return log_levels[i].value;
	return -1;
}

/* log_level_name - the word stderr lines carry for a level */
static const char *
log_level_name(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "fatal";
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_DEBUG: return "debug";
	default: return "info";
	}
}

void
log_msg(int level, const char *qid, const char *fmt, ...)
{
	char line[2048];
	int off = 0;
	va_list ap;

	if (level > atomic_load_explicit(&log_max_level, memory_order_relaxed))
		return;
	if (qid != NULL && *qid != '\0')
		off = snprintf(line, sizeof(line), "%s: ", qid);
	va_start(ap, fmt);
	vsnprintf(line + off, sizeof(line) - off, fmt, ap);
	va_end(ap);

	if (!log_to_stderr) {
		syslog(level, "%s", line);
		return;
	}
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s: %s: %s\n", log_ident, log_level_name(level), line);
	pthread_mutex_unlock(&log_lock);
}

/* log_printable - the rule of log lines: text_printable with TEXT_ASCII */
char *
log_printable(char *buf, size_t bufsize, const char *s, size_t len)
{
	return text_printable(buf, bufsize, s, len, TEXT_ASCII);
}
