/*
 * memkeep.h - keep the memory a message frees in malloc's arenas for the next message
 * (see memkeep.c).
 */
#ifndef PS_MEMKEEP_H
#define PS_MEMKEEP_H

/* memkeep_arenas - set malloc's trim and mmap thresholds for this process; call once,
 * before any thread starts; 0, or -1 if malloc refused a setting */
int memkeep_arenas(void);

#endif
