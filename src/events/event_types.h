/*
 * event_types.h - the one list of event types (docs/events.md describes
 * each one and its payload).  A type is "<entity>.<what happened>".
 */
#ifndef KF_EVENT_TYPES_H
#define KF_EVENT_TYPES_H

struct event_type {
	const char *name; /* "ticket.created" */
	const char *entity; /* "ticket" */
	const char *about; /* one line for docs and GET /api/v1/events/types */
};

extern const struct event_type event_types[];
extern const int event_types_count;

/* 1 when name is a type of the list. */
int event_type_known(const char *name);

#endif
