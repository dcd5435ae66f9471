/*
 * routing.h - who gets a new ticket (PRODUCT.md D6).
 *
 * A ticket without an assignee goes to its team (the ticket's team_id,
 * else the first team, by id, with a member able to take it), and within
 * the team to a member chosen by the team's mode: round-robin (the next
 * eligible member after the one assigned last) or least-loaded (fewest open
 * tickets; ties go round-robin).  A member is eligible when active, not
 * disabled, and their skills cover the ticket: a member who lists
 * languages must list the ticket's language, one who lists categories
 * must list its category or the category's parent.  An empty list means
 * any.  routing_choose is pure; routing_on_created is the store side.
 */
#ifndef KF_ROUTING_H
#define KF_ROUTING_H

#include <stdint.h>

#include "base/err.h"

struct db;

#define ROUTING_MAX_MEMBERS 256 /* members considered in one team */

enum routing_mode { ROUTING_ROUND_ROBIN, ROUTING_LEAST_LOADED };

struct routing_member {
	int64_t user_id;
	char languages[64]; /* "zh,en"; "" = any */
	char category_ids[512]; /* "1,5"; "" = any */
	int active; /* 0 = on leave: never chosen */
	int64_t open_tickets; /* tickets assigned and not resolved/closed */
};

/* 1 when token (e.g. "en", "5") is one of the comma-separated items of list. */
int routing_list_has(const char *list, const char *token);
/* 1 when m may take a ticket in language (NULL = any) of category (and its parent; 0 = none). */
int routing_eligible(const struct routing_member *m, const char *language, int64_t category_id,
                     int64_t parent_id);
/*
 * The member for a ticket: m[] in ascending user_id; last_user_id the one
 * assigned last in this team (0 = none).  Returns an index into m, or -1
 * when nobody is eligible.
 */
int routing_choose(const struct routing_member *m, int n, enum routing_mode mode, int64_t last_user_id,
                   const char *language, int64_t category_id, int64_t parent_id);

/* Route ticket id if it has no assignee (inside the caller's transaction). */
int routing_on_created(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err);

#endif
