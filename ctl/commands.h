/*
 * commands.h - the postsalectl commands. Each takes the arguments after its own name
 * (argv[0] is the command name) and returns the exit status.
 */
#ifndef PS_COMMANDS_H
#define PS_COMMANDS_H

#include "cmd_check.h"

#endif
