/*
 * mime_head.c - what a message's own header says, read from its top part, or from the
 * message's bytes where mime_parse left the message's own fields out of that part (see
 * mime_head.h). Each function walks the header once.
 */
#include <stdio.h>
#include <string.h>

#include "mime_addr.h"
#include "mime_head.h"
#include "mimeskip.h"

/* The header names of GMimeAddressType, in its order (as GMime's own table). */
static const char *const address_header[] = {
	[GMIME_ADDRESS_TYPE_SENDER] = "Sender",
	[GMIME_ADDRESS_TYPE_FROM] = "From",
	[GMIME_ADDRESS_TYPE_REPLY_TO] = "Reply-To",
	[GMIME_ADDRESS_TYPE_TO] = "To",
	[GMIME_ADDRESS_TYPE_CC] = "Cc",
	[GMIME_ADDRESS_TYPE_BCC] = "Bcc",
};

/* The message's own header block, set by mime_head_set_raw: a plain block (every line
 * a field or a continuation, each ended by LF or CR LF, then an empty line). */
struct head_raw {
	const char *raw;
	size_t len;
	GPtrArray *values;		/* the decoded values handed out (g_free) */
};

/* One field of a raw block: its name, and its raw value as GMime keeps it (from after
 * the colon through the field's last line end). */
struct field {
	const char *name, *value;
	size_t nlen, vlen;
};

static GQuark
raw_quark(void)
{
	static GQuark q;

	if (q == 0)
		q = g_quark_from_static_string("postsale-mime-head-raw");
	return q;
}

static void
raw_free(gpointer p)
{
	struct head_raw *h = p;

	g_ptr_array_free(h->values, TRUE);
	g_free(h);
}

/* raw_new - the raw block raw[0..len), with no value handed out yet */
static struct head_raw *
raw_new(const char *raw, size_t len)
{
	struct head_raw *h = g_new0(struct head_raw, 1);

	h->raw = raw;
	h->len = len;
	h->values = g_ptr_array_new_with_free_func(g_free);
	return h;
}

void
mime_head_set_raw(GMimeObject *top, const char *raw, size_t len)
{
	g_object_set_qdata_full(G_OBJECT(top), raw_quark(), raw_new(raw, len), raw_free);
}

/* raw_of - top's raw block, or NULL when its own header list holds the fields */
static struct head_raw *
raw_of(GMimeObject *top)
{
	return top != NULL ? g_object_get_qdata(G_OBJECT(top), raw_quark()) : NULL;
}

void
mime_head_of_top(struct mime_head *h, GMimeObject *top)
{
	h->top = top;
	h->raw = raw_of(top);
	h->own = 0;
}

int
mime_head_of_bytes(struct mime_head *h, const char *msg, size_t len)
{
	size_t n = mimeskip_plain_head(msg, len);

	memset(h, 0, sizeof(*h));
	if (n == 0)
		return 0;
	h->raw = raw_new(msg, n);
	h->own = 1;
	return 1;
}

void
mime_head_done(struct mime_head *h)
{
	if (h->own)
		raw_free(h->raw);
	memset(h, 0, sizeof(*h));
}

/* next_field - the field at *at in h's block into *f, *at moved past it; 0 at the
 * block's end */
static int
next_field(const struct head_raw *h, size_t *at, struct field *f)
{
	const char *b = h->raw, *colon, *lf;
	size_t p = *at;

	if (p >= h->len || b[p] == '\n' || (b[p] == '\r' && p + 1 < h->len && b[p + 1] == '\n') ||
	    (colon = memchr(b + p, ':', h->len - p)) == NULL)
		return 0;
	f->name = b + p;
	f->nlen = (size_t)(colon - f->name);
	f->value = colon + 1;
	for (p = (size_t)(f->value - b);; ) {	/* through the lines that continue it */
		if ((lf = memchr(b + p, '\n', h->len - p)) == NULL)
			return 0;
		p = (size_t)(lf - b) + 1;
		if (p >= h->len || (b[p] != ' ' && b[p] != '\t'))
			break;
	}
	f->vlen = (size_t)(b + p - f->value);
	*at = p;
	return 1;
}

/* is_name - 1 when field f is called name (any case) */
static int
is_name(const struct field *f, const char *name)
{
	return strlen(name) == f->nlen && g_ascii_strncasecmp(f->name, name, f->nlen) == 0;
}

/* raw_value - f's value as g_mime_header_get_value() gives it (unfolded, encoded words
 * decoded), kept in h until top goes */
static const char *
raw_value(struct head_raw *h, const struct field *f)
{
	char *raw = g_strndup(f->value, f->vlen), *unfolded, *v;

	unfolded = g_mime_utils_header_unfold(raw);
	v = g_mime_utils_header_decode_text(NULL, unfolded);
	g_free(unfolded);
	g_free(raw);
	g_ptr_array_add(h->values, v);
	return v;
}

/* raw_find - the first (last 0) or last (last 1) field called name in h, or 0 */
static int
raw_find(const struct head_raw *h, const char *name, int last, struct field *out)
{
	struct field f;
	size_t at = 0;
	int found = 0;

	while (next_field(h, &at, &f))
		if (is_name(&f, name)) {
			*out = f;
			found = 1;
			if (!last)
				break;
		}
	return found;
}

/* last_header - the last header called name (any case) on top, or NULL */
static GMimeHeader *
last_header(GMimeObject *top, const char *name)
{
	GMimeHeaderList *list = top != NULL ? g_mime_object_get_header_list(top) : NULL;
	int n = list != NULL ? g_mime_header_list_get_count(list) : 0;

	for (int i = n - 1; i >= 0; i--) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) == 0)
			return h;
	}
	return NULL;
}

/* last_value - the value of the last header called name, from the bytes or the list */
static const char *
last_value(const struct mime_head *mh, const char *name)
{
	struct head_raw *h = mh != NULL ? mh->raw : NULL;
	GMimeHeader *hd;
	struct field f;

	if (h != NULL)
		return raw_find(h, name, 1, &f) ? raw_value(h, &f) : NULL;
	return mh != NULL && (hd = last_header(mh->top, name)) != NULL ?
	    g_mime_header_get_value(hd) : NULL;
}

/* first_value - the value of the first header called name, from the bytes or top's
 * list */
static const char *
first_value(const struct mime_head *mh, const char *name)
{
	struct field f;

	if (mh == NULL || name == NULL)
		return NULL;
	if (mh->raw != NULL)
		return raw_find(mh->raw, name, 0, &f) ? raw_value(mh->raw, &f) : NULL;
	return mh->top != NULL ? g_mime_object_get_header(mh->top, name) : NULL;
}

const char *
mime_head_get(const struct mime_head *mh, const char *name)
{
	if (name == NULL || g_ascii_strncasecmp(name, "Content-", 8) == 0)
		return NULL;
	return first_value(mh, name);
}

const char *
mime_head_content(const struct mime_head *mh, const char *name)
{
	if (name == NULL || g_ascii_strncasecmp(name, "Content-", 8) != 0)
		return NULL;
	return first_value(mh, name);
}

const char *
mime_head_subject(const struct mime_head *mh)
{
	return last_value(mh, "Subject");
}

char *
mime_head_message_id(const struct mime_head *mh)
{
	const char *v = last_value(mh, "Message-Id");

	return v != NULL ? g_mime_utils_decode_message_id(v) : NULL;
}

/* add_parsed - the addresses of raw value raw (n octets) appended to all */
static void
add_parsed(InternetAddressList *all, const char *raw, size_t n)
{
	char *copy = g_strndup(raw, n);
	InternetAddressList *one = internet_address_list_parse(NULL, copy);

	if (one != NULL) {
		internet_address_list_append(all, one);
		g_object_unref(one);
	}
	g_free(copy);
}

InternetAddressList *
mime_head_addresses(const struct mime_head *mh, GMimeAddressType type)
{
	InternetAddressList *all = internet_address_list_new();
	GMimeHeaderList *list;
	struct head_raw *h = mh != NULL ? mh->raw : NULL;
	GMimeObject *top = mh != NULL ? mh->top : NULL;
	struct field f;
	size_t at = 0;
	const char *raw;
	int n;

	if ((unsigned) type >= sizeof(address_header) / sizeof(address_header[0]) ||
	    (h == NULL && top == NULL))
		return all;
	if (h != NULL) {
		while (next_field(h, &at, &f))
			if (is_name(&f, address_header[type]))
				add_parsed(all, f.value, f.vlen);
		return all;
	}
	list = g_mime_object_get_header_list(top);
	n = list != NULL ? g_mime_header_list_get_count(list) : 0;
	for (int i = 0; i < n; i++) {
		GMimeHeader *hd = g_mime_header_list_get_header_at(list, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(hd), address_header[type]) == 0 &&
		    (raw = g_mime_header_get_raw_value(hd)) != NULL)
			add_parsed(all, raw, strlen(raw));
	}
	return all;
}

/* name_in_list - the name of the first mailbox of list whose address is addr (any case)
 * and that has one, into buf of len; 1 if there is one */
static int
name_in_list(InternetAddressList *list, const char *addr, char *buf, size_t len)
{
	int n = internet_address_list_length(list);

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		const char *a, *name;

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		if (g_ascii_strcasecmp(a, addr) == 0 && (name = internet_address_get_name(ia)) != NULL &&
		    *name != '\0') {
			snprintf(buf, len, "%s", name);
			return 1;
		}
	}
	return 0;
}

/* name_in_field - name_in_list for the raw value of field f: read in the plain form
 * without GMime's objects (mime_addr.h), or by GMime */
static int
name_in_field(const struct field *f, const char *addr, char *buf, size_t len)
{
	struct mime_mailbox mb[MIME_ADDR_MAX];
	int n = mime_addr_list(f->value, f->vlen, mb), found;
	size_t alen = strlen(addr);

	if (n < 0) {
		InternetAddressList *list = internet_address_list_new();

		add_parsed(list, f->value, f->vlen);
		found = name_in_list(list, addr, buf, len);
		g_object_unref(list);
		return found;
	}
	for (int i = 0; i < n; i++)
		if (mb[i].addr_len == alen && g_ascii_strncasecmp(mb[i].addr, addr, alen) == 0 &&
		    mb[i].name_len > 0) {
			snprintf(buf, len, "%.*s", (int)mb[i].name_len, mb[i].name);
			return 1;
		}
	return 0;
}

int
mime_head_display_name(const struct mime_head *mh, const char *addr, char *buf, size_t len)
{
	static const GMimeAddressType types[] = {GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC};
	struct head_raw *h = mh != NULL ? mh->raw : NULL;

	buf[0] = '\0';
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		struct field f;
		size_t at = 0;

		if (h == NULL) {
			InternetAddressList *list = mime_head_addresses(mh, types[t]);
			int found = name_in_list(list, addr, buf, len);

			g_object_unref(list);
			if (found)
				return 1;
			continue;
		}
		while (next_field(h, &at, &f))
			if (is_name(&f, address_header[types[t]]) && name_in_field(&f, addr, buf, len))
				return 1;
	}
	return 0;
}
