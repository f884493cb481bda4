/*
 * cmd_check.h - `postsalectl check [--json] FILE...`: check invoices by hand.
 */
#ifndef PS_CMD_CHECK_H
#define PS_CMD_CHECK_H

/* cmd_check - argv[0] is "check"; returns the exit status: 0 every invoice clean,
 * 1 some invoice flagged, 65 a file without an invoice or with an unreadable one,
 * 66 a file that cannot be opened, 64 bad usage */
int cmd_check(int argc, char **argv);

#endif
