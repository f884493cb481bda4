/*
 * freebusy_fetch.c - keep a local copy of a manager's busy calendar that lives at a URL
 * (see freebusy.h): fetched by postsalectl managers --refresh (from cron or a timer),
 * read by the planner, so that no mail ever waits for a web server.
 *
 * Trust: the URL is the administrator's; what it returns is not. Only http and https,
 * also after redirects (at most 3); the body is bounded and must parse as iCalendar
 * (freebusy_read) before it replaces the copy, which is written to a temporary file
 * and renamed, so that a planner never reads half a file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "freebusy.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "conf/manager.h"

/* The body as it arrives. */
struct fetch_body {
	struct buf body;
	int too_big;
};

/* fetch_write - libcurl's write callback: append, or stop past FREEBUSY_MAX_BYTES */
static size_t fetch_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct fetch_body *b = userdata;
	size_t n = size * nmemb;

	if (b->body.len + n > FREEBUSY_MAX_BYTES) {
		b->too_big = 1;
		return 0;	/* libcurl stops with CURLE_WRITE_ERROR */
	}
	buf_add(&b->body, ptr, n);
	return n;
}

char *freebusy_cache_path(const char *database, const char *address, char *buf, size_t len)
{
	const char *slash = strrchr(database, '/');
	int dlen = slash != NULL ? (int) (slash - database) : 1;
	char safe[256];
	size_t i;

	for (i = 0; address[i] != '\0' && i + 1 < sizeof(safe); i++) {
		unsigned char ch = (unsigned char) address[i];
		safe[i] = isalnum(ch) || ch == '@' || ch == '.' || ch == '-' || ch == '_' ?
		    (char) tolower(ch) : '_';
	}
	safe[i] = '\0';
	snprintf(buf, len, "%.*s/busy-%s.ics", dlen, slash != NULL ? database : ".", safe);
	return buf;
}

/* write_atomic - data to path through path.tmp and rename; mode 0640; 0 or -1 + why */
static int write_atomic(const char *path, const char *data, size_t len, char *why,
			size_t whylen)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	size_t off = 0;

	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t) w;
	}
	if (off != len || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int freebusy_fetch(const char *url, const char *tz, const char *path, long timeout_ms,
		   time_t now, size_t *n_periods, char *why, size_t whylen)
{
	struct fetch_body b = { 0 };
	struct plan_busy *v = NULL;
	char cerr[CURL_ERROR_SIZE] = "", reason[256];
	long status = 0;
	CURL *curl;
	CURLcode rc;
	int ret = -1;

	*n_periods = 0;
	if (!manager_busy_is_url(url)) {
		snprintf(why, whylen, "%s: not an http or https URL", url);
		return -1;
	}
	if ((curl = curl_easy_init()) == NULL) {
		snprintf(why, whylen, "%s: libcurl cannot start", url);
		return -1;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) FREEBUSY_MAX_BYTES);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "postsale");
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	if (b.too_big)
		snprintf(why, whylen, "%s: larger than %u bytes", url, FREEBUSY_MAX_BYTES);
	else if (rc != CURLE_OK)
		snprintf(why, whylen, "%s: %s", url, cerr[0] ? cerr : curl_easy_strerror(rc));
	else if (status != 200)
		snprintf(why, whylen, "%s: HTTP status %ld", url, status);
	else if (b.body.data == NULL || memchr(b.body.data, '\0', b.body.len) != NULL)
		snprintf(why, whylen, "%s: empty, or not text", url);
	else if (freebusy_read(b.body.data, tz, now - 86400, now + 3 * 366 * 86400L, &v, n_periods,
			       reason, sizeof(reason)) != 0)
		snprintf(why, whylen, "%s: %s (the copy in %s is kept)", url, reason, path);
	else
		ret = write_atomic(path, b.body.data, b.body.len, why, whylen);
	free(v);
	free(b.body.data);
	return ret;
}
