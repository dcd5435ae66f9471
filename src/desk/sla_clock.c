/*
 * sla_clock.c - see sla_clock.h.
 */
#include "desk/sla_clock.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk/calendar.h"
#include "desk/calendar_store.h"
#include "desk/desk_settings.h"
#include "desk/sla_policy.h"
#include "desk/sla.h"
#include "desk/ticket.h"
#include "base/xalloc.h"
#include "jobs/job.h"
#include "store/db.h"

enum { T_FIRST, T_NEXT, T_RESOLVE, T_COUNT };

static const char *const target_names[T_COUNT] = { "first_response", "next_response", "resolution" };

struct sla_target {
	int64_t due_at; /* 0 = no target */
	int64_t warn_at; /* the 80 % instant */
	int64_t done_at; /* met (a reply, the resolution); 0 = open */
	int64_t warned_at; /* warning sent */
	int64_t breached_at; /* breach recorded */
};

struct sla_row {
	int64_t ticket_id;
	int64_t policy_id;
	int64_t calendar_id;
	int64_t started_at; /* the contact's arrival */
	struct sla_target t[T_COUNT];
	int64_t paused_since; /* 0 = running */
	int64_t paused_s; /* business seconds paused so far */
};

/* clang-format off */
#define SLA_ROW_COLS(F, X) \
	F(SR_POLICY_ID, "policy_id") \
	X(SR_CALENDAR_ID, "calendar_id") \
	X(SR_STARTED_AT, "started_at") \
	X(SR_FIRST_DUE_AT, "first_due_at") \
	X(SR_FIRST_WARN_AT, "first_warn_at") \
	X(SR_FIRST_DONE_AT, "first_done_at") \
	X(SR_FIRST_WARNED_AT, "first_warned_at") \
	X(SR_FIRST_BREACHED_AT, "first_breached_at") \
	X(SR_NEXT_DUE_AT, "next_due_at") \
	X(SR_NEXT_WARN_AT, "next_warn_at") \
	X(SR_NEXT_DONE_AT, "next_done_at") \
	X(SR_NEXT_WARNED_AT, "next_warned_at") \
	X(SR_NEXT_BREACHED_AT, "next_breached_at") \
	X(SR_RESOLVE_DUE_AT, "resolve_due_at") \
	X(SR_RESOLVE_WARN_AT, "resolve_warn_at") \
	X(SR_RESOLVE_DONE_AT, "resolve_done_at") \
	X(SR_RESOLVE_WARNED_AT, "resolve_warned_at") \
	X(SR_RESOLVE_BREACHED_AT, "resolve_breached_at") \
	X(SR_PAUSED_SINCE, "paused_since") \
	X(SR_PAUSED_S, "paused_s")
/* clang-format on */
DB_COLS_ENUM(SLA_ROW_COLS, SR_NCOLS);
/* The three targets' five columns each, in the same order: target k's at first + SR_STRIDE * k. */
#define SR_STRIDE (SR_NEXT_DUE_AT - SR_FIRST_DUE_AT)
_Static_assert(SR_STRIDE == 5 && SR_RESOLVE_DUE_AT - SR_NEXT_DUE_AT == SR_STRIDE, "five columns per target");
static struct db_sql q_row = DB_SQL("SELECT " DB_COLS_SQL(SLA_ROW_COLS) " FROM ticket_sla"
                                                                        " WHERE ticket_id = $1");
static struct db_sql q_save = DB_SQL(
        "INSERT INTO ticket_sla (ticket_id, policy_id, calendar_id, started_at, first_due_at, first_warn_at,"
        " first_done_at, first_warned_at, first_breached_at, next_due_at, next_warn_at, next_warned_at,"
        " next_breached_at, resolve_due_at, resolve_warn_at, resolve_done_at, resolve_warned_at,"
        " resolve_breached_at, paused_since, paused_s, updated_at, next_done_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,"
        " $22)"
        " ON CONFLICT (ticket_id) DO UPDATE SET policy_id = excluded.policy_id, calendar_id = excluded.calendar_id,"
        " started_at = excluded.started_at, first_due_at = excluded.first_due_at,"
        " first_warn_at = excluded.first_warn_at, first_done_at = excluded.first_done_at,"
        " first_warned_at = excluded.first_warned_at, first_breached_at = excluded.first_breached_at,"
        " next_due_at = excluded.next_due_at, next_warn_at = excluded.next_warn_at, next_done_at = excluded.next_done_at,"
        " next_warned_at = excluded.next_warned_at, next_breached_at = excluded.next_breached_at,"
        " resolve_due_at = excluded.resolve_due_at, resolve_warn_at = excluded.resolve_warn_at,"
        " resolve_done_at = excluded.resolve_done_at, resolve_warned_at = excluded.resolve_warned_at,"
        " resolve_breached_at = excluded.resolve_breached_at, paused_since = excluded.paused_since,"
        " paused_s = excluded.paused_s, updated_at = excluded.updated_at, version = ticket_sla.version + 1");
static struct db_sql q_tier = DB_SQL("SELECT tier FROM customers WHERE id = $1");
static struct db_sql q_manager = DB_SQL("SELECT manager_id FROM teams WHERE id = $1 AND manager_id IS NOT NULL");
static struct db_sql q_policy_name = DB_SQL("SELECT name FROM sla_policies WHERE id = $1");
static struct db_sql q_notify = DB_SQL(
        "INSERT INTO notifications (user_id, kind, ticket_id, target, at) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (user_id, kind, ticket_id, target) DO NOTHING");
/* clang-format off */
#define NOTE_COLS(F, X) \
	F(NC_ID, "n.id") \
	X(NC_KIND, "n.kind") \
	X(NC_TICKET_ID, "n.ticket_id") \
	X(NC_TARGET, "n.target") \
	X(NC_AT, "n.at") \
	X(NC_READ_AT, "n.read_at") \
	X(NC_SUBJECT, "t.subject")
/* clang-format on */
DB_COLS_ENUM(NOTE_COLS, NC_NCOLS);
static struct db_sql q_notes = DB_SQL("SELECT " DB_COLS_SQL(
        NOTE_COLS) " FROM notifications n"
                   " LEFT JOIN tickets t ON t.id = n.ticket_id WHERE n.user_id = $1 AND n.id < $2"
                   " AND (CAST($3 AS BIGINT) = 0 OR n.read_at IS NULL) ORDER BY n.id DESC LIMIT $4");
static struct db_sql q_note_read = DB_SQL(
        "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2");

static const struct actor sla_actor = { "system", 0, "sla", NULL, NULL };

/* --- rows ------------------------------------------------------------------------- */

static int row_load(struct db *db, int64_t ticket_id, struct sla_row *s, struct kf_error *err)
{
	struct db_rows *r = NULL;
	memset(s, 0, sizeof(*s));
	s->ticket_id = ticket_id;
	int rc = db_query(db, &q_row, DB_ARGS(db_int(ticket_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = KF_ENOTFOUND;
	if (rc > 0) {
		s->policy_id = db_col_int(r, SR_POLICY_ID);
		s->calendar_id = db_col_int(r, SR_CALENDAR_ID);
		s->started_at = db_col_int(r, SR_STARTED_AT);
		for (int k = 0; k < T_COUNT; k++) {
			s->t[k].due_at = db_col_int(r, SR_FIRST_DUE_AT + SR_STRIDE * k);
			s->t[k].warn_at = db_col_int(r, SR_FIRST_WARN_AT + SR_STRIDE * k);
			s->t[k].done_at = db_col_int(r, SR_FIRST_DONE_AT + SR_STRIDE * k);
			s->t[k].warned_at = db_col_int(r, SR_FIRST_WARNED_AT + SR_STRIDE * k);
			s->t[k].breached_at = db_col_int(r, SR_FIRST_BREACHED_AT + SR_STRIDE * k);
		}
		s->paused_since = db_col_int(r, SR_PAUSED_SINCE);
		s->paused_s = db_col_int(r, SR_PAUSED_S);
	}
	db_done(r);
	return rc < 0 ? rc : 0; /* KF_ENOTFOUND without a message: callers decide */
}

static int row_save(struct db *db, const struct sla_row *s, int64_t now, struct kf_error *err)
{
	const struct sla_target *f = &s->t[T_FIRST], *n = &s->t[T_NEXT], *r = &s->t[T_RESOLVE];
	int rc = db_exec(
	        db, &q_save,
	        DB_ARGS(db_int(s->ticket_id), db_int(s->policy_id), db_int(s->calendar_id),
	                db_int(s->started_at), db_int(f->due_at), db_int(f->warn_at), db_int(f->done_at),
	                db_int(f->warned_at), db_int(f->breached_at), db_int(n->due_at), db_int(n->warn_at),
	                db_int(n->warned_at), db_int(n->breached_at), db_int(r->due_at), db_int(r->warn_at),
	                db_int(r->done_at), db_int(r->warned_at), db_int(r->breached_at),
	                db_int(s->paused_since), db_int(s->paused_s), db_int(now), db_int(n->done_at)),
	        err);
	return rc < 0 ? rc : 0;
}

static int target_open(const struct sla_target *t)
{
	return t->due_at != 0 && t->done_at == 0;
}

static int stopped(const struct ticket *t)
{
	return t->state == TS_RESOLVED || t->state == TS_CLOSED;
}

/* Schedule (or cancel) the two jobs for the earliest open warning and due time. */
static int reschedule(struct db *db, const struct sla_row *s, int halted, int64_t now, struct kf_error *err)
{
	int64_t warn = 0, due = 0;
	for (int k = 0; k < T_COUNT && !halted && !s->paused_since; k++) {
		const struct sla_target *t = &s->t[k];
		if (!target_open(t))
			continue;
		if (!t->warned_at && !t->breached_at && t->warn_at && (!warn || t->warn_at < warn))
			warn = t->warn_at;
		if (!t->breached_at && (!due || t->due_at < due))
			due = t->due_at;
	}
	int rc = warn ? job_schedule(db, "sla_warn", s->ticket_id, warn, now, err)
	              : job_cancel(db, "sla_warn", s->ticket_id, err);
	if (rc == 0)
		rc = due ? job_schedule(db, "sla_breach", s->ticket_id, due, now, err)
		         : job_cancel(db, "sla_breach", s->ticket_id, err);
	return rc;
}

/* --- policy and calendar ------------------------------------------------------------ */

struct sla_ctx {
	struct ticket tk;
	struct sla_policy policy;
	struct calendar cal;
};

static int customer_tier(struct db *db, int64_t customer_id, char tier[2], struct kf_error *err)
{
	struct db_rows *r = NULL;
	snprintf(tier, 2, "C");
	if (!customer_id)
		return 0;
	int rc = db_query(db, &q_tier, DB_ARGS(db_int(customer_id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1 && db_col_text(r, 0))
		str_copy(tier, 2, db_col_text(r, 0));
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* The policy for the ticket's kind into *out: 1, or 0 when none applies. */
static int choose_policy(struct db *db, const char *type, const char *priority, const char *tier,
                         struct sla_policy *out, struct kf_error *err)
{
	static _Thread_local struct sla_policy all[SLA_POLICY_MAX];
	int n = 0;
	int rc = sla_policy_load_all(db, all, SLA_POLICY_MAX, &n, err);
	if (rc < 0)
		return rc;
	int k = sla_choose(all, n, type, priority, tier);
	if (k < 0)
		return 0;
	*out = all[k];
	return 1;
}

/* The ticket, its policy and calendar: 1, or 0 when no policy applies (no clock). */
static int ctx_load(struct db *db, int64_t ticket_id, struct sla_ctx *c, struct kf_error *err)
{
	char tier[2];
	int rc = ticket_get(db, ticket_id, &c->tk, err);
	if (rc == 0)
		rc = customer_tier(db, c->tk.customer_id, tier, err);
	if (rc == 0)
		rc = choose_policy(db, c->tk.type, c->tk.priority, tier, &c->policy, err);
	if (rc == 1) {
		int lc = calendar_store_load(db, c->policy.calendar_id, &c->cal, err);
		if (lc < 0)
			return lc;
	}
	return rc;
}

/* --- events -------------------------------------------------------------------------- */

static int set_target(const struct calendar *cal, struct sla_target *t, int64_t start, int64_t due,
                      struct kf_error *err)
{
	memset(t, 0, sizeof(*t));
	t->due_at = due;
	return sla_warn_at(cal, start, due, &t->warn_at, err);
}

/* Compute the first-response and resolution targets from the arrival. */
static int start_clocks(struct sla_ctx *c, struct sla_row *s, struct kf_error *err)
{
	struct sla_due d;
	int rc = sla_compute(&c->policy, &c->cal, s->started_at, &d, err);
	if (rc < 0)
		return rc;
	s->policy_id = c->policy.id;
	s->calendar_id = c->policy.calendar_id;
	int64_t first_done = s->t[T_FIRST].done_at, res_done = s->t[T_RESOLVE].done_at;
	s->t[T_FIRST] = (struct sla_target){ d.first_due_at, d.first_warn_at, first_done, 0, 0 };
	s->t[T_RESOLVE] = (struct sla_target){ d.resolve_due_at, d.resolve_warn_at, res_done, 0, 0 };
	/* a policy change keeps the pauses already taken */
	for (int k = 0; rc == 0 && s->paused_s && k < T_COUNT; k++) {
		if (k == T_NEXT || !s->t[k].due_at)
			continue;
		rc = calendar_add_business_seconds(&c->cal, s->t[k].due_at, s->paused_s, &s->t[k].due_at, err);
		if (rc == 0)
			rc = calendar_add_business_seconds(&c->cal, s->t[k].warn_at, s->paused_s,
			                                   &s->t[k].warn_at, err);
	}
	return rc;
}

static void pause(struct sla_row *s, int64_t now)
{
	if (!s->paused_since)
		s->paused_since = now;
}

static int resume(const struct calendar *cal, struct sla_row *s, int64_t now, struct kf_error *err)
{
	if (!s->paused_since)
		return 0;
	int rc = 0;
	for (int k = 0; rc == 0 && k < T_COUNT; k++) {
		if (!target_open(&s->t[k]))
			continue;
		rc = sla_extend(cal, s->t[k].due_at, s->paused_since, now, &s->t[k].due_at, err);
		if (rc == 0)
			rc = sla_extend(cal, s->t[k].warn_at, s->paused_since, now, &s->t[k].warn_at, err);
	}
	s->paused_s += calendar_business_seconds_between(cal, s->paused_since, now);
	s->paused_since = 0;
	return rc;
}

static int on_public_reply(struct sla_row *s, int64_t now)
{
	if (!s->t[T_FIRST].done_at)
		s->t[T_FIRST].done_at = now;
	if (target_open(&s->t[T_NEXT]))
		s->t[T_NEXT].done_at = now;
	return 0;
}

static int on_customer_reply(struct sla_ctx *c, struct sla_row *s, int64_t now, struct kf_error *err)
{
	if (!s->t[T_FIRST].done_at || target_open(&s->t[T_NEXT]))
		return 0; /* the first (or a running next) response covers it */
	int64_t due;
	int rc = sla_response_due(&c->policy, &c->cal, now, c->policy.next_response_s, &due, err);
	if (rc == 0)
		rc = set_target(&c->cal, &s->t[T_NEXT], now, due, err);
	return rc;
}

static int on_reopen(struct sla_ctx *c, struct sla_row *s, int64_t now, struct kf_error *err)
{
	int64_t due = 0;
	int rc = 0;
	if (c->policy.resolution_s > 0)
		rc = calendar_add_business_seconds(&c->cal, now, c->policy.resolution_s, &due, err);
	if (rc == 0)
		rc = set_target(&c->cal, &s->t[T_RESOLVE], now, due, err);
	return rc;
}

static int on_state(struct sla_ctx *c, struct sla_row *s, int64_t now, struct kf_error *err)
{
	if (c->tk.state == TS_PENDING_CUSTOMER) {
		pause(s, now);
		return 0;
	}
	return resume(&c->cal, s, now, err);
}

static int apply_event(struct sla_ctx *c, struct sla_row *s, enum desk_event ev, int64_t now,
                       struct kf_error *err)
{
	switch (ev) {
	case DESK_TICKET_CREATED:
		s->started_at = c->tk.created_at;
		return start_clocks(c, s, err);
	case DESK_PUBLIC_REPLY:
		return on_public_reply(s, now);
	case DESK_CUSTOMER_REPLY:
		return on_customer_reply(c, s, now, err);
	case DESK_STATE_CHANGED:
		return on_state(c, s, now, err);
	case DESK_PRIORITY_CHANGED:
		return c->policy.id == s->policy_id ? 0 : start_clocks(c, s, err);
	case DESK_RESOLVED:
		s->t[T_RESOLVE].done_at = now;
		return resume(&c->cal, s, now, err);
	case DESK_REOPENED:
		return on_reopen(c, s, now, err);
	}
	return 0;
}

/* The stored clock of the ticket, or (a ticket from before the clocks existed) new ones from its arrival. */
static int load_or_start(struct db *db, struct sla_ctx *c, struct sla_row *s, struct kf_error *err)
{
	int rc = row_load(db, c->tk.id, s, err);
	if (rc != KF_ENOTFOUND)
		return rc;
	memset(s, 0, sizeof(*s));
	s->ticket_id = c->tk.id;
	s->started_at = c->tk.created_at;
	return start_clocks(c, s, err);
}

int sla_clock_on_event(struct db *db, int64_t ticket_id, enum desk_event ev, int64_t now, struct kf_error *err)
{
	struct sla_ctx *c = xcalloc(1, sizeof(*c));
	struct sla_row s;
	memset(&s, 0, sizeof(s));
	s.ticket_id = ticket_id;
	int rc = ctx_load(db, ticket_id, c, err);
	if (rc <= 0) /* an error, or no policy applies: no clock */
		goto out;
	rc = ev == DESK_TICKET_CREATED ? 0 : load_or_start(db, c, &s, err);
	if (rc == 0)
		rc = apply_event(c, &s, ev, now, err);
	if (rc == 0)
		rc = row_save(db, &s, now, err);
	if (rc == 0)
		rc = reschedule(db, &s, stopped(&c->tk), now, err);
out:
	free(c);
	return rc < 0 ? rc : 0;
}

/* --- calendar changes ------------------------------------------------------------------- */

static struct db_sql q_running = DB_SQL(
        "SELECT s.ticket_id FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id"
        " WHERE (s.calendar_id = $1 OR (s.calendar_id = 0 AND CAST($2 AS BIGINT) = 1))"
        " AND t.state NOT IN ('resolved', 'closed') ORDER BY s.ticket_id");

/* Lay out again on cal what remained of the instant *at after from on old. */
static int relay(const struct calendar *old, const struct calendar *cal, int64_t from, int64_t *at,
                 struct kf_error *err)
{
	if (*at <= from)
		return 0;
	return calendar_add_business_seconds(cal, from, calendar_business_seconds_between(old, from, *at), at,
	                                     err);
}

static int recompute_one(struct db *db, int64_t ticket_id, const struct calendar *old,
                         const struct calendar *cal, int64_t now, struct kf_error *err)
{
	struct sla_row s;
	int rc = row_load(db, ticket_id, &s, err);
	if (rc < 0)
		return rc == KF_ENOTFOUND ? 0 : rc;
	int64_t from = s.paused_since ? s.paused_since : now;
	for (int k = 0; rc == 0 && k < T_COUNT; k++) {
		struct sla_target *t = &s.t[k];
		if (!target_open(t) || t->breached_at)
			continue;
		rc = relay(old, cal, from, &t->due_at, err);
		if (rc == 0 && t->warn_at && !t->warned_at)
			rc = relay(old, cal, from, &t->warn_at, err);
	}
	if (rc == 0)
		rc = row_save(db, &s, now, err);
	if (rc == 0)
		rc = reschedule(db, &s, 0, now, err);
	return rc;
}

/* The ids of the tickets with a running clock on calendar cal_id, as a new array (*n of them). */
static int running_on(struct db *db, int64_t cal_id, int64_t **ids, size_t *n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	size_t cap = 0;
	int is_default = desk_settings_get(db, "default_calendar_id", 1) == cal_id;
	*ids = NULL;
	*n = 0;
	int rc = db_query(db, &q_running, DB_ARGS(db_int(cal_id), db_int(is_default)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*n)++] = db_col_int(r, 0);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int sla_clock_recompute(struct db *db, int64_t cal_id, const struct calendar *old, int64_t now,
                        struct kf_error *err)
{
	struct calendar *cal = xcalloc(1, sizeof(*cal));
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = calendar_store_load(db, cal_id, cal, err);
	if (rc == 0)
		rc = running_on(db, cal_id, &ids, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = recompute_one(db, ids[i], old, cal, now, err);
	free(ids);
	free(cal);
	return rc;
}

/* --- jobs ------------------------------------------------------------------------------ */

int notification_add(struct db *db, int64_t user_id, const char *kind, int64_t ticket_id, const char *target,
                     int64_t now, struct kf_error *err)
{
	if (!user_id)
		return 0;
	int rc = db_exec(
	        db, &q_notify,
	        DB_ARGS(db_int(user_id), db_text(kind), db_int(ticket_id), db_text(target), db_int(now)), err);
	return rc < 0 ? rc : 0;
}

static int team_manager(struct db *db, int64_t team_id, int64_t *out, struct kf_error *err)
{
	*out = 0;
	if (!team_id)
		return 0;
	int rc = db_query_int(db, &q_manager, DB_ARGS(db_int(team_id)), out, err);
	return rc == KF_ENOTFOUND ? 0 : rc;
}

/* The people told about ticket t: its assignee, else the team's manager. */
static int warn_target(struct db *db, const struct ticket *t, const char *target, int64_t now,
                       struct kf_error *err)
{
	int64_t who = t->assignee_id;
	int rc = who ? 0 : team_manager(db, t->team_id, &who, err);
	if (rc == 0)
		rc = notification_add(db, who, "sla_warning", t->id, target, now, err);
	return rc;
}

/* A breach: an event on the ticket, the assignee told, the team's manager escalated to. */
static int breach_target(struct db *db, const struct ticket *t, const char *target, int64_t due, int64_t now,
                         struct kf_error *err)
{
	int64_t manager = 0;
	json_t *after = json_pack("{s:s,s:I}", "target", target, "due_at", (json_int_t)due);
	int rc = ticket_event_add(db, &sla_actor, now, t->id, "sla.breach", NULL, after, err);
	json_decref(after);
	if (rc == 0)
		rc = notification_add(db, t->assignee_id, "sla_breach", t->id, target, now, err);
	if (rc == 0)
		rc = team_manager(db, t->team_id, &manager, err);
	if (rc == 0 && manager != t->assignee_id)
		rc = notification_add(db, manager, "escalation", t->id, target, now, err);
	return rc;
}

/* Load what a job needs; *skip when the ticket or its clock is gone. */
static int job_load(struct db *db, int64_t ticket_id, struct ticket *t, struct sla_row *s, int *skip,
                    struct kf_error *err)
{
	*skip = 0;
	int rc = ticket_get(db, ticket_id, t, err);
	if (rc == 0)
		rc = row_load(db, ticket_id, s, err);
	if (rc == KF_ENOTFOUND) {
		*skip = 1;
		return 0;
	}
	return rc;
}

static int run_job(struct db *db, int64_t ticket_id, int64_t now, int breach, struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t));
	struct sla_row s;
	int skip;
	int rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = job_load(db, ticket_id, t, &s, &skip, err);
	for (int k = 0; rc == 0 && !skip && !stopped(t) && !s.paused_since && k < T_COUNT; k++) {
		struct sla_target *g = &s.t[k];
		if (!target_open(g))
			continue;
		if (breach && !g->breached_at && g->due_at <= now) {
			g->breached_at = now;
			rc = breach_target(db, t, target_names[k], g->due_at, now, err);
		} else if (!breach && !g->warned_at && !g->breached_at && g->warn_at && g->warn_at <= now) {
			g->warned_at = now;
			rc = warn_target(db, t, target_names[k], now, err);
		}
	}
	if (rc == 0 && !skip)
		rc = row_save(db, &s, now, err);
	if (rc == 0 && !skip)
		rc = reschedule(db, &s, stopped(t), now, err);
	if (rc < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, err);
out:
	free(t);
	return rc;
}

int sla_job_warn(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err)
{
	return run_job(db, ticket_id, now, 0, err);
}

int sla_job_breach(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err)
{
	return run_job(db, ticket_id, now, 1, err);
}

/* --- reading -------------------------------------------------------------------------------- */

static json_t *at_or_null(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *target_json(const struct calendar *cal, const struct sla_row *s, const struct sla_target *t,
                           int64_t now)
{
	if (!t->due_at)
		return json_null();
	json_t *j = json_pack("{s:I,s:o,s:o,s:o,s:o}", "due_at", (json_int_t)t->due_at, "warn_at",
	                      at_or_null(t->warn_at), "done_at", at_or_null(t->done_at), "warned_at",
	                      at_or_null(t->warned_at), "breached_at", at_or_null(t->breached_at));
	int64_t from = s->paused_since ? s->paused_since : now;
	if (t->done_at)
		json_object_set_new(j, "remaining_s", json_null());
	else
		json_object_set_new(j, "remaining_s",
		                    json_integer(calendar_business_seconds_between(cal, from, t->due_at)));
	int met = t->done_at && t->done_at <= t->due_at;
	json_object_set_new(j, "status",
	                    json_string(t->done_at ? (met ? "met" : "missed")
	                                        : t->breached_at || now >= t->due_at ? "breached"
	                                        : t->warned_at || (t->warn_at && now >= t->warn_at)
	                                        ? "warning"
	                                        : "running"));
	return j;
}

static int policy_name(struct db *db, int64_t id, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = json_null();
	int rc = db_query(db, &q_policy_name, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1) {
		json_decref(*out);
		*out = json_string(db_col_text(r, 0));
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int sla_clock_json(struct db *db, int64_t ticket_id, int64_t now, json_t **out, struct kf_error *err)
{
	struct sla_row s;
	struct calendar *cal = xcalloc(1, sizeof(*cal));
	json_t *name = NULL;
	*out = NULL;
	int rc = row_load(db, ticket_id, &s, err);
	if (rc == KF_ENOTFOUND)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "the ticket has no SLA clock");
	if (rc == 0)
		rc = calendar_store_load(db, s.calendar_id, cal, err);
	if (rc == 0)
		rc = policy_name(db, s.policy_id, &name, err);
	if (rc == 0) {
		*out = json_pack("{s:I,s:I,s:o,s:I,s:I,s:b,s:o,s:I}", "ticket_id", (json_int_t)ticket_id,
		                 "policy_id", (json_int_t)s.policy_id, "policy_name", name, "calendar_id",
		                 (json_int_t)s.calendar_id, "started_at", (json_int_t)s.started_at, "paused",
		                 s.paused_since != 0, "paused_since", at_or_null(s.paused_since), "paused_s",
		                 (json_int_t)s.paused_s);
		name = NULL;
		for (int k = 0; k < T_COUNT; k++)
			json_object_set_new(*out, target_names[k], target_json(cal, &s, &s.t[k], now));
	}
	json_decref(name);
	free(cal);
	return rc;
}

int sla_preview(struct db *db, const char *type, const char *priority, const char *tier, int64_t at,
                json_t **out, struct kf_error *err)
{
	struct sla_ctx *c = xcalloc(1, sizeof(*c));
	struct sla_due d;
	json_t *name = NULL;
	*out = NULL;
	int rc = choose_policy(db, type, priority, tier && tier[0] ? tier : "C", &c->policy, err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "no_policy", NULL, "no SLA policy applies");
	rc = rc < 0 ? rc : 0;
	if (rc == 0)
		rc = calendar_store_load(db, c->policy.calendar_id, &c->cal, err);
	if (rc == 0)
		rc = sla_compute(&c->policy, &c->cal, at, &d, err);
	if (rc == 0)
		rc = policy_name(db, c->policy.id, &name, err);
	if (rc == 0) {
		*out = json_pack(
		        "{s:o,s:I,s:b,s:o,s:o,s:o,s:o}", "policy",
		        sla_policy_to_json(&c->policy, json_string_value(name) ? json_string_value(name) : ""),
		        "at", (json_int_t)at, "business_time", calendar_is_business_time(&c->cal, at),
		        "first_response_due_at", at_or_null(d.first_due_at), "first_response_warn_at",
		        at_or_null(d.first_warn_at), "resolution_due_at", at_or_null(d.resolve_due_at),
		        "resolution_warn_at", at_or_null(d.resolve_warn_at));
	}
	json_decref(name);
	free(c);
	return rc;
}

/* --- notifications ----------------------------------------------------------------------------- */

int notification_list(struct db *db, int64_t user_id, int unread_only, int64_t before_id, int limit,
                      json_t **items, int64_t *last, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last = 0;
	int rc = db_query(db, &q_notes,
	                  DB_ARGS(db_int(user_id), db_int(before_id ? before_id : INT64_MAX),
	                          db_int(unread_only), db_int(limit)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last = db_col_int(r, NC_ID);
		json_array_append_new(
		        *items,
		        json_pack("{s:I,s:s,s:I,s:s,s:I,s:o,s:o}", "id", (json_int_t)*last, "kind",
		                  db_col_text(r, NC_KIND), "ticket_id",
		                  (json_int_t)db_col_int(r, NC_TICKET_ID), "target",
		                  db_col_text(r, NC_TARGET), "at", (json_int_t)db_col_int(r, NC_AT), "read_at",
		                  db_col_isnull(r, NC_READ_AT) ? json_null()
		                                               : json_integer(db_col_int(r, NC_READ_AT)),
		                  "subject",
		                  db_col_text(r, NC_SUBJECT) ? json_string(db_col_text(r, NC_SUBJECT))
		                                             : json_null()));
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int notification_read(struct db *db, int64_t user_id, int64_t id, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_note_read, DB_ARGS(db_int(id), db_int(user_id), db_int(now)), err);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such notification");
	return rc < 0 ? rc : 0;
}
