/*
 * nodelay.h - TCP_NODELAY on the filter's listening socket, so that the replies of a
 * message that is changed go out at once (see nodelay.c).
 */
#ifndef PS_NODELAY_H
#define PS_NODELAY_H

/* nodelay_listeners - set TCP_NODELAY on every TCP socket of this process that listens
 * (libmilter's, opened by smfi_opensocket); the number set */
int nodelay_listeners(void);

#endif
