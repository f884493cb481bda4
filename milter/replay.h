/*
 * replay.h - the thread that writes the spool of unrecorded records into the store
 * once it takes them again (store/store_spool.h, record_replay()), and checkpoints the
 * WAL the milter's commits leave (record_checkpoint()).
 */
#ifndef PS_REPLAY_H
#define PS_REPLAY_H

/* replay_start - start the thread (it looks every few seconds); 0 or -1 */
int replay_start(void);
/* replay_stop - end the thread after its current record, and wait for it */
void replay_stop(void);
/* replay_checkpoint_due - the writer's WAL is full: the thread checkpoints it at once
 * (record_checkpoint()); called by the writer's commits (record.c) */
void replay_checkpoint_due(void);

#endif
