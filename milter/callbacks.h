/*
 * callbacks.h - the libmilter callbacks of postsale-milter.
 */
#ifndef PS_CALLBACKS_H
#define PS_CALLBACKS_H

#include <libmilter/mfapi.h>

/* callbacks_desc - the filter description to pass to smfi_register() */
struct smfiDesc *callbacks_desc(void);

#endif
