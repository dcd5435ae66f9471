/*
 * routing.c - see routing.h.
 */
#include "desk/routing.h"
#include "base/str.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "desk/sla_clock.h"
#include "desk/ticket.h"
#include "store/db.h"

int routing_list_has(const char *list, const char *token)
{
	size_t n = strlen(token);
	for (const char *p = list; n && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, token, n) == 0)
			return 1;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static int has_id(const char *list, int64_t id)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, id);
	return id > 0 && routing_list_has(list, buf);
}

int routing_eligible(const struct routing_member *m, const char *language, int64_t category_id,
                     int64_t parent_id)
{
	if (!m->active)
		return 0;
	if (m->languages[0] && language && language[0] && !routing_list_has(m->languages, language))
		return 0;
	if (m->category_ids[0] && category_id && !has_id(m->category_ids, category_id) &&
	    !has_id(m->category_ids, parent_id))
		return 0;
	return 1;
}

int routing_choose(const struct routing_member *m, int n, enum routing_mode mode, int64_t last_user_id,
                   const char *language, int64_t category_id, int64_t parent_id)
{
	int start = 0; /* the first member after the last one assigned, wrapping */
	while (start < n && m[start].user_id <= last_user_id)
		start++;
	int best = -1;
	for (int k = 0; k < n; k++) {
		int i = (start + k) % n;
		if (!routing_eligible(&m[i], language, category_id, parent_id))
			continue;
		if (mode == ROUTING_ROUND_ROBIN)
			return i;
		if (best < 0 || m[i].open_tickets < m[best].open_tickets)
			best = i;
	}
	return best;
}

/* --- store side ------------------------------------------------------------------- */

/* clang-format off */
#define MEMBER_COLS(F, X) \
	F(MC_USER_ID, "m.user_id") \
	X(MC_LANGUAGES, "m.languages") \
	X(MC_CATEGORY_IDS, "m.category_ids") \
	X(MC_ACTIVE, "m.active") \
	X(MC_OPEN_TICKETS, "(SELECT COALESCE(SUM(c.n), 0) FROM ticket_counts c WHERE c.scope = 'assignee' AND c.key = m.user_id  AND c.state IN ('new', 'open', 'pending_customer', 'pending_internal'))")
/* clang-format on */
DB_COLS_ENUM(MEMBER_COLS, MC_NCOLS);
static struct db_sql q_members = DB_SQL("SELECT " DB_COLS_SQL(
        MEMBER_COLS) " FROM team_members m"
                     " JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 AND u.disabled = 0"
                     " ORDER BY m.user_id LIMIT $2");
/* clang-format off */
#define TEAM_COLS(F, X) \
	F(TMC_MODE, "t.mode") \
	X(TMC_LAST_USER_ID, "COALESCE(r.last_user_id, 0)")
/* clang-format on */
DB_COLS_ENUM(TEAM_COLS, TMC_NCOLS);
static struct db_sql q_team = DB_SQL(
        "SELECT " DB_COLS_SQL(TEAM_COLS) " FROM teams t"
                                         " LEFT JOIN routing_state r ON r.team_id = t.id WHERE t.id = $1");
static struct db_sql q_teams = DB_SQL("SELECT id FROM teams WHERE id > $1 ORDER BY id LIMIT 1");
static struct db_sql q_parent = DB_SQL("SELECT COALESCE(parent_id, 0) FROM categories WHERE id = $1");
static struct db_sql q_last = DB_SQL(
        "INSERT INTO routing_state (team_id, last_user_id) VALUES ($1, $2)"
        " ON CONFLICT (team_id) DO UPDATE SET last_user_id = excluded.last_user_id");

static const struct actor routing_actor = { "system", 0, "routing", NULL, NULL };

struct team_pick {
	struct routing_member m[ROUTING_MAX_MEMBERS];
	int n;
	enum routing_mode mode;
	int64_t last;
};

static int load_team(struct db *db, int64_t team_id, struct team_pick *p, struct kf_error *err)
{
	struct db_rows *r = NULL;
	p->n = 0;
	p->mode = ROUTING_ROUND_ROBIN;
	p->last = 0;
	int rc = db_query(db, &q_team, DB_ARGS(db_int(team_id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1) {
		p->mode = strcmp(db_col_text(r, TMC_MODE), "least_loaded") == 0 ? ROUTING_LEAST_LOADED
		                                                                : ROUTING_ROUND_ROBIN;
		p->last = db_col_int(r, TMC_LAST_USER_ID);
	}
	db_done(r);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_members, DB_ARGS(db_int(team_id), db_int(ROUTING_MAX_MEMBERS)), &r, err);
	while (rc >= 0 && p->n < ROUTING_MAX_MEMBERS && (rc = db_next(r, err)) == 1) {
		struct routing_member *m = &p->m[p->n++];
		m->user_id = db_col_int(r, MC_USER_ID);
		str_copy(m->languages, sizeof(m->languages), db_col_text(r, MC_LANGUAGES));
		str_copy(m->category_ids, sizeof(m->category_ids), db_col_text(r, MC_CATEGORY_IDS));
		m->active = (int)db_col_int(r, MC_ACTIVE);
		m->open_tickets = db_col_int(r, MC_OPEN_TICKETS);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* The member of team_id for t; *user 0 when nobody fits. */
static int pick_in_team(struct db *db, int64_t team_id, const struct ticket *t, int64_t parent,
                        struct team_pick *p, int64_t *user, struct kf_error *err)
{
	*user = 0;
	int rc = load_team(db, team_id, p, err);
	if (rc < 0)
		return rc;
	int k = routing_choose(p->m, p->n, p->mode, p->last, t->language, t->category_id, parent);
	if (k >= 0)
		*user = p->m[k].user_id;
	return 0;
}

static int pick(struct db *db, const struct ticket *t, int64_t parent, int64_t *team, int64_t *user,
                struct kf_error *err)
{
	struct team_pick *p = xcalloc(1, sizeof(*p));
	int rc = 0;
	*team = t->team_id;
	*user = 0;
	if (*team) {
		rc = pick_in_team(db, *team, t, parent, p, user, err);
		goto out;
	}
	for (int64_t after = 0; rc == 0 && !*user;) {
		int64_t id;
		rc = db_query_int(db, &q_teams, DB_ARGS(db_int(after)), &id, err);
		if (rc == KF_ENOTFOUND) {
			rc = 0;
			break;
		}
		if (rc == 0)
			rc = pick_in_team(db, id, t, parent, p, user, err);
		if (rc == 0 && *user)
			*team = id;
		after = id;
	}
out:
	free(p);
	return rc;
}

static int assign(struct db *db, struct ticket *t, int64_t team, int64_t user, int64_t now, struct kf_error *err)
{
	json_t *before = json_pack("{s:I,s:I}", "team_id", (json_int_t)t->team_id, "assignee_id",
	                           (json_int_t)t->assignee_id);
	json_t *after = json_pack("{s:I,s:I}", "team_id", (json_int_t)team, "assignee_id", (json_int_t)user);
	int rc = ticket_count(db, t, -1, err);
	if (rc == 0) {
		t->team_id = team;
		t->assignee_id = user;
		rc = ticket_write(db, t, now, err);
	}
	if (rc == 0)
		rc = ticket_count(db, t, 1, err);
	if (rc == 0)
		rc = ticket_event_add(db, &routing_actor, now, t->id, "route", before, after, err);
	if (rc == 0 && user) {
		int n = db_exec(db, &q_last, DB_ARGS(db_int(team), db_int(user)), err);
		rc = n < 0 ? n : 0;
	}
	if (rc == 0)
		rc = notification_add(db, user, "assigned", t->id, "", now, err);
	json_decref(before);
	json_decref(after);
	return rc;
}

int routing_on_created(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t));
	int64_t parent = 0, team = 0, user = 0;
	int rc = ticket_get(db, ticket_id, t, err);
	if (rc < 0 || t->assignee_id)
		goto out;
	if (t->category_id) {
		rc = db_query_int(db, &q_parent, DB_ARGS(db_int(t->category_id)), &parent, err);
		if (rc == KF_ENOTFOUND)
			rc = 0;
	}
	if (rc == 0)
		rc = pick(db, t, parent, &team, &user, err);
	if (rc == 0 && (team != t->team_id || user))
		rc = assign(db, t, team, user, now, err);
out:
	free(t);
	return rc;
}
