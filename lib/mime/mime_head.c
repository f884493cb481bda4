/*
 * mime_head.c - what a message's own header says, read from its top part (see
 * mime_head.h). Each function walks the top part's header list once.
 */
#include "mime_head.h"

/* The header names of GMimeAddressType, in its order (as GMime's own table). */
static const char *const address_header[] = {
	[GMIME_ADDRESS_TYPE_SENDER] = "Sender",
	[GMIME_ADDRESS_TYPE_FROM] = "From",
	[GMIME_ADDRESS_TYPE_REPLY_TO] = "Reply-To",
	[GMIME_ADDRESS_TYPE_TO] = "To",
	[GMIME_ADDRESS_TYPE_CC] = "Cc",
	[GMIME_ADDRESS_TYPE_BCC] = "Bcc",
};

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

const char *
mime_head_get(GMimeObject *top, const char *name)
{
	if (top == NULL || name == NULL || g_ascii_strncasecmp(name, "Content-", 8) == 0)
		return NULL;
	return g_mime_object_get_header(top, name);
}

const char *
mime_head_subject(GMimeObject *top)
{
	GMimeHeader *h = last_header(top, "Subject");

	return h != NULL ? g_mime_header_get_value(h) : NULL;
}

char *
mime_head_message_id(GMimeObject *top)
{
	GMimeHeader *h = last_header(top, "Message-Id");
	const char *v = h != NULL ? g_mime_header_get_value(h) : NULL;

	return v != NULL ? g_mime_utils_decode_message_id(v) : NULL;
}

InternetAddressList *
mime_head_addresses(GMimeObject *top, GMimeAddressType type)
{
	InternetAddressList *all = internet_address_list_new(), *one;
	GMimeHeaderList *list = top != NULL ? g_mime_object_get_header_list(top) : NULL;
	int n = list != NULL ? g_mime_header_list_get_count(list) : 0;
	const char *raw;

	if ((unsigned) type >= sizeof(address_header) / sizeof(address_header[0]))
		return all;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), address_header[type]) != 0 ||
		    (raw = g_mime_header_get_raw_value(h)) == NULL)
			continue;
		if ((one = internet_address_list_parse(NULL, raw)) != NULL) {
			internet_address_list_append(all, one);
			g_object_unref(one);
		}
	}
	return all;
}
