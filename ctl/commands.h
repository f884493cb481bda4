/*
 * commands.h - the postsalectl commands. Each takes the arguments from its own name on
 * (argv[0] is the command name) and returns the exit status; each lives in a
 * ctl/cmd_*.c file of its own.
 */
#ifndef PS_COMMANDS_H
#define PS_COMMANDS_H

#include "cmd_check.h"

/* ctl/cmd_simulate.c: simulate [--from ADDR] [--rcpt ADDR]... [--json] FILE.eml */
int cmd_simulate(int argc, char **argv);
/* ctl/cmd_invoices.c: invoices [--flagged] [--since DATE] [--json] */
int cmd_invoices(int argc, char **argv);
/* ctl/cmd_invoices.c: show ID */
int cmd_show(int argc, char **argv);
/* ctl/cmd_invoices.c: review ID --note TEXT */
int cmd_review(int argc, char **argv);
/* ctl/cmd_journey.c: customers [--json] */
int cmd_customers(int argc, char **argv);
/* ctl/cmd_customer.c: customer add|import|offboard|renewal ... */
int cmd_customer(int argc, char **argv);
/* ctl/cmd_managers.c: managers [--refresh] [--json] */
int cmd_managers(int argc, char **argv);
/* ctl/cmd_journey.c: checkins [--customer ADDRESS] [--json] */
int cmd_checkins(int argc, char **argv);
/* ctl/cmd_journey.c: checkin move ID TIME [--force] | checkin cancel ID */
int cmd_checkin(int argc, char **argv);
/* ctl/cmd_reply.c: checkins --unanswered [--manager ADDRESS] [--now TIME] [--json] */
int cmd_checkins_unanswered(int argc, char **argv);
/* ctl/cmd_reply.c: checkin accept-counter ID */
int cmd_checkin_accept_counter(int argc, char **argv);
/* ctl/cmd_user.c: user add|del|list|passwd: the finance console's users */
int cmd_user(int argc, char **argv);

/* ctl/cmd_unrecorded.c: unrecorded [--json] | unrecorded replay */
int cmd_unrecorded(int argc, char **argv);
/* ctl/cmd_store.c: store migrate | store copy FROM TO */
int cmd_store(int argc, char **argv);

#endif
