/*
 * ticket_state.h - the ticket state machine, pure: which state may follow
 * which.  No store, no clock.
 *
 *   new              -> open, pending_customer, pending_internal, resolved, closed
 *   open             -> pending_customer, pending_internal, resolved
 *   pending_customer -> open, pending_internal, resolved
 *   pending_internal -> open, pending_customer, resolved
 *   resolved         -> open (reopen), closed
 *   closed           -> open (reopen)
 *
 * new -> closed is allowed for spam and duplicates that need no answer;
 * every other way into closed passes through resolved, so a resolution
 * (and the process checks before it) is never skipped.
 */
#ifndef KF_TICKET_STATE_H
#define KF_TICKET_STATE_H

#include <stddef.h>

enum ticket_state {
	TS_NONE = -1, /* not a state (parse failure) */
	TS_NEW = 0, /* arrived, nobody has looked at it */
	TS_OPEN, /* being worked on */
	TS_PENDING_CUSTOMER, /* waiting for the customer's answer */
	TS_PENDING_INTERNAL, /* waiting for another department */
	TS_RESOLVED, /* solved; may be reopened */
	TS_CLOSED, /* archived */
	TS_COUNT
};

/* The state named s, or TS_NONE. */
enum ticket_state ticket_state_parse(const char *s);
/* The name of a state ("new", ...); "" for TS_NONE. Borrowed, static. */
const char *ticket_state_name(enum ticket_state s);
/* 1 when from -> to is allowed, else 0 (also 0 for from == to). */
int ticket_state_allowed(enum ticket_state from, enum ticket_state to);
/*
 * The states reachable from from, in enum order, into out (TS_COUNT
 * slots); returns how many.
 */
size_t ticket_state_targets(enum ticket_state from, enum ticket_state *out);
/* 1 when entering to from from is a reopen (resolved/closed -> open). */
int ticket_state_is_reopen(enum ticket_state from, enum ticket_state to);

#endif
