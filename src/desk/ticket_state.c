/*
 * ticket_state.c - see ticket_state.h.  The machine is one table: a row
 * per source state, a bit per allowed target.
 */
#include "desk/ticket_state.h"

#include <string.h>

#define B(s) (1u << (s))

static const char *const names[TS_COUNT] = {
	"new", "open", "pending_customer", "pending_internal", "resolved", "closed",
};

static const unsigned allowed[TS_COUNT] = {
	[TS_NEW] = B(TS_OPEN) | B(TS_PENDING_CUSTOMER) | B(TS_PENDING_INTERNAL) | B(TS_RESOLVED) | B(TS_CLOSED),
	[TS_OPEN] = B(TS_PENDING_CUSTOMER) | B(TS_PENDING_INTERNAL) | B(TS_RESOLVED),
	[TS_PENDING_CUSTOMER] = B(TS_OPEN) | B(TS_PENDING_INTERNAL) | B(TS_RESOLVED),
	[TS_PENDING_INTERNAL] = B(TS_OPEN) | B(TS_PENDING_CUSTOMER) | B(TS_RESOLVED),
	[TS_RESOLVED] = B(TS_OPEN) | B(TS_CLOSED),
	[TS_CLOSED] = B(TS_OPEN),
};

enum ticket_state ticket_state_parse(const char *s)
{
	if (!s)
		return TS_NONE;
	for (int i = 0; i < TS_COUNT; i++)
		if (strcmp(names[i], s) == 0)
			return (enum ticket_state)i;
	return TS_NONE;
}

const char *ticket_state_name(enum ticket_state s)
{
	return s >= 0 && s < TS_COUNT ? names[s] : "";
}

int ticket_state_allowed(enum ticket_state from, enum ticket_state to)
{
	if (from < 0 || from >= TS_COUNT || to < 0 || to >= TS_COUNT)
		return 0;
	return (allowed[from] & B(to)) != 0;
}

size_t ticket_state_targets(enum ticket_state from, enum ticket_state *out)
{
	size_t n = 0;
	for (int i = 0; i < TS_COUNT; i++)
		if (ticket_state_allowed(from, (enum ticket_state)i))
			out[n++] = (enum ticket_state)i;
	return n;
}

int ticket_state_is_reopen(enum ticket_state from, enum ticket_state to)
{
	return to == TS_OPEN && (from == TS_RESOLVED || from == TS_CLOSED);
}
