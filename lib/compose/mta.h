/*
 * mta.h - what the finance console's privileged side knows about the MTA: the syntax of
 * queue ids, where a held message lives, and the command (an argv for execve, no shell)
 * that releases or discards one.
 *
 *   Postfix:  release  postsuper -c CONFIG_DIR -H ID     (out of the hold queue)
 *             discard  postsuper -c CONFIG_DIR -d ID
 *             held     QUEUE_DIRECTORY/hold/ID is a regular file
 *   Sendmail: release  sendmail -qQ -Q -qIID             (clears the quarantine reason)
 *             discard  not offered: Sendmail has no command that deletes one message
 *             held     QUEUE_DIR/hfID (a quarantined queue file) is a regular file
 */
#ifndef PS_MTA_H
#define PS_MTA_H

#include <stddef.h>

enum mta_kind { MTA_POSTFIX, MTA_SENDMAIL };
enum mta_op { MTA_RELEASE, MTA_DISCARD };

#define MTA_QID_MAX 32
#define MTA_ARGV_MAX 8

struct mta_paths {
	const char *postsuper;		/* /usr/sbin/postsuper */
	const char *config_dir;		/* Postfix's, for -c */
	const char *sendmail;		/* /usr/sbin/sendmail */
};

/*
 * mta_queue_id_valid - 1 if id is a queue id of kind: Postfix's short ids (6 to 16
 * upper-case hex digits) or long ids (12 to 32 characters of its base-52 alphabet,
 * digits and consonants, with the 'z' that separates the inode number); Sendmail's
 * ids (8 to 20 letters and digits)
 */
int mta_queue_id_valid(enum mta_kind kind, const char *id);
/* mta_hold_path - the file of held message id under queue_dir; caller frees */
char *mta_hold_path(enum mta_kind kind, const char *queue_dir, const char *id);
/*
 * mta_argv - the command for op on id into argv (MTA_ARGV_MAX entries, NULL-terminated;
 * entries point into p, id and buf, which holds buflen bytes); 0, or -1 with why (the
 * operation is not offered for this MTA, a malformed id)
 */
int mta_argv(enum mta_kind kind, const struct mta_paths *p, enum mta_op op, const char *id,
    const char **argv, char *buf, size_t buflen, char *why, size_t whylen);
/* mta_op_name - "release" or "discard" (static) */
const char *mta_op_name(enum mta_op op);

#endif
