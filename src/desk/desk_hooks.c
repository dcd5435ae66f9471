/*
 * desk_hooks.c - dispatch of ticket events to SLA, routing and
 * follow-up (being written: does nothing yet).
 */
#include "desk/desk_hooks.h"

#include "base/banned.h"

int desk_on_event(struct db *db, int64_t ticket_id, enum desk_event ev, int64_t now, struct kf_error *err)
{
	(void)db;
	(void)ticket_id;
	(void)ev;
	(void)now;
	(void)err;
	return 0;
}
