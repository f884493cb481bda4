/*
 * conf_defaults.c - print the key table (lib/conf_keys.c) as "name<TAB>default" lines,
 * for tests/man/coverage.py, which holds postsale.conf(5) to it. A test helper, never
 * installed.
 */
#include <stdio.h>

#include "conf/conf.h"

int
main(void)
{
	for (size_t i = 0; i < conf_nkeys; i++)
		printf("%s\t%s\n", conf_keys[i].name, conf_keys[i].def);
	return 0;
}
