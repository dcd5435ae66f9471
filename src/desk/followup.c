/*
 * followup.c - see followup.h.
 */
#include "desk/followup.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"
#include "base/textlen.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "crm/customer.h"
#include "desk/calendar.h"
#include "desk/calendar_store.h"
#include "desk/desk_settings.h"
#include "desk/sla_clock.h"
#include "desk/ticket.h"
#include "events/outbox.h"
#include "jobs/job.h"
#include "crm/timeline.h"
#include "store/db.h"

#define CARE_MAX_PER_RUN 500 /* tickets of one kind one daily run opens */

static struct db_sql q_sla_cal = DB_SQL("SELECT calendar_id FROM ticket_sla WHERE ticket_id = $1");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO followups (complaint_id, customer_id, due_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id");
/* clang-format off */
#define FOLLOWUP_COLS(F, X) \
	F(FC_ID, "id") \
	X(FC_COMPLAINT_ID, "complaint_id") \
	X(FC_CUSTOMER_ID, "COALESCE(customer_id, 0)") \
	X(FC_DUE_AT, "due_at") \
	X(FC_TICKET_ID, "COALESCE(ticket_id, 0)") \
	X(FC_OUTCOME, "outcome") \
	X(FC_NOTE, "note") \
	X(FC_DONE_AT, "done_at")
/* clang-format on */
DB_COLS_ENUM(FOLLOWUP_COLS, FC_NCOLS);
static struct db_sql q_row = DB_SQL("SELECT " DB_COLS_SQL(FOLLOWUP_COLS) " FROM followups"
                                                                         " WHERE id = $1");
static struct db_sql q_by_ticket = DB_SQL("SELECT " DB_COLS_SQL(FOLLOWUP_COLS) " FROM followups"
                                                                               " WHERE ticket_id = $1");
static struct db_sql q_list = DB_SQL("SELECT " DB_COLS_SQL(
        FOLLOWUP_COLS) " FROM followups"
                       " WHERE id > $1 AND (CAST($2 AS BIGINT) = 0 OR customer_id = $2)"
                       " AND (CAST($3 AS BIGINT) = 0 OR complaint_id = $3 OR ticket_id = $3)"
                       " AND (CAST($4 AS BIGINT) = 0 OR (CAST($4 AS BIGINT) = 1 AND ticket_id IS NULL)"
                       " OR (CAST($4 AS BIGINT) = 2 AND ticket_id IS NOT NULL AND outcome IS NULL)"
                       " OR (CAST($4 AS BIGINT) = 3 AND outcome IS NOT NULL)) ORDER BY id LIMIT $5");
static struct db_sql q_of_ticket = DB_SQL(
        "SELECT " DB_COLS_SQL(FOLLOWUP_COLS) " FROM followups"
                                             " WHERE complaint_id = $1 OR ticket_id = $1 ORDER BY id");
static struct db_sql q_set_ticket = DB_SQL(
        "UPDATE followups SET ticket_id = $2 WHERE id = $1 AND ticket_id IS NULL");
static struct db_sql q_set_outcome = DB_SQL(
        "UPDATE followups SET outcome = $2, note = $3, done_at = $4 WHERE id = $1 AND outcome IS NULL");
/* clang-format off */
#define CARE_COLS(F, X) \
	F(CARE_ID, "c.id") \
	X(CARE_NAME, "c.name")
/* clang-format on */
DB_COLS_ENUM(CARE_COLS, CARE_NCOLS);
static struct db_sql q_birthdays = DB_SQL(
        "SELECT " DB_COLS_SQL(CARE_COLS) " FROM customers c"
                                         " WHERE c.erased_at IS NULL AND c.birthday LIKE $1"
                                         " AND NOT EXISTS (SELECT 1 FROM care_runs r WHERE r.kind = 'birthday'"
                                         " AND r.customer_id = c.id AND r.day = $2) ORDER BY c.id LIMIT $3");
static struct db_sql q_lapsed = DB_SQL("SELECT " DB_COLS_SQL(
        CARE_COLS) " FROM customers c"
                   " WHERE c.erased_at IS NULL AND EXISTS (SELECT 1 FROM orders o"
                   " WHERE o.customer_id = c.id) AND NOT EXISTS (SELECT 1 FROM orders o"
                   " WHERE o.customer_id = c.id AND o.placed_at >= $1)"
                   " AND NOT EXISTS (SELECT 1 FROM care_runs r WHERE r.kind = 'win_back'"
                   " AND r.customer_id = c.id AND r.day >= $2)"
                   " AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.customer_id = c.id"
                   " AND t.type = 'care' AND t.state NOT IN ('resolved', 'closed')) ORDER BY c.id"
                   " LIMIT $3");
static struct db_sql q_team = DB_SQL("SELECT id FROM teams WHERE id = $1");
static struct db_sql q_care_run = DB_SQL(
        "INSERT INTO care_runs (kind, customer_id, day, ticket_id) VALUES ($1, $2, $3, $4)");

static const struct actor followup_actor = { "system", 0, "followup", NULL, NULL };

struct followup {
	int64_t id, complaint_id, customer_id, due_at, ticket_id, done_at;
	char outcome[16];
	char note[TEXTLEN_BYTES(KF_MAX_TEXT_CHARS)];
};

static void followup_from_row(struct db_rows *r, struct followup *f)
{
	f->id = db_col_int(r, FC_ID);
	f->complaint_id = db_col_int(r, FC_COMPLAINT_ID);
	f->customer_id = db_col_int(r, FC_CUSTOMER_ID);
	f->due_at = db_col_int(r, FC_DUE_AT);
	f->ticket_id = db_col_int(r, FC_TICKET_ID);
	str_copy(f->outcome, sizeof(f->outcome), db_col_text(r, FC_OUTCOME) ? db_col_text(r, FC_OUTCOME) : "");
	str_copy(f->note, sizeof(f->note), db_col_text(r, FC_NOTE) ? db_col_text(r, FC_NOTE) : "");
	f->done_at = db_col_isnull(r, FC_DONE_AT) ? 0 : db_col_int(r, FC_DONE_AT);
}

static int followup_read(struct db *db, struct db_sql *q, int64_t key, struct followup *f, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, DB_ARGS(db_int(key)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such follow-up");
	if (rc > 0)
		followup_from_row(r, f);
	db_done(r);
	return rc < 0 ? rc : 0;
}

static const char *followup_status_name(const struct followup *f)
{
	return f->outcome[0] ? "done" : f->ticket_id ? "due" : "scheduled";
}

static json_t *followup_to_json(const struct followup *f)
{
	char num[24];
	ticket_number(f->complaint_id, num, sizeof(num));
	json_t *j = json_pack("{s:I,s:I,s:o,s:I,s:o,s:o,s:s,s:o}", "id", (json_int_t)f->id, "complaint_id",
	                      (json_int_t)f->complaint_id, "customer_id",
	                      f->customer_id ? json_integer(f->customer_id) : json_null(), "due_at",
	                      (json_int_t)f->due_at, "ticket_id",
	                      f->ticket_id ? json_integer(f->ticket_id) : json_null(), "outcome",
	                      f->outcome[0] ? json_string(f->outcome) : json_null(), "note", f->note,
	                      "done_at", f->done_at ? json_integer(f->done_at) : json_null());
	json_object_set_new(j, "complaint_number", json_string(num));
	json_object_set_new(j, "status", json_string(followup_status_name(f)));
	return j;
}

int followup_of_ticket(struct db *db, int64_t ticket_id, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct followup f;
	*out = json_array();
	int rc = db_query(db, &q_of_ticket, DB_ARGS(db_int(ticket_id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		followup_from_row(r, &f);
		json_array_append_new(*out,
		                      json_pack("{s:I,s:I,s:s,s:I,s:o}", "id", (json_int_t)f.id, "due_at",
		                                (json_int_t)f.due_at, "status", followup_status_name(&f),
		                                "complaint_id", (json_int_t)f.complaint_id, "ticket_id",
		                                f.ticket_id ? json_integer(f.ticket_id) : json_null()));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int followup_status_parse(const char *s, enum followup_status *out)
{
	static const char *const names[] = { "", "scheduled", "due", "done" };
	for (int i = FU_SCHEDULED; i <= FU_DONE; i++)
		if (s && strcmp(s, names[i]) == 0) {
			*out = (enum followup_status)i;
			return 0;
		}
	return -1;
}

int followup_list(struct db *db, const struct followup_filter *f, int64_t after_id, int limit, json_t **items,
                  int64_t *last, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct followup *row = xcalloc(1, sizeof(*row));
	*items = json_array();
	*last = 0;
	int rc = db_query(db, &q_list,
	                  DB_ARGS(db_int(after_id), db_int(f->customer_id), db_int(f->ticket_id),
	                          db_int(f->status), db_int(limit)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		followup_from_row(r, row);
		*last = row->id;
		json_array_append_new(*items, followup_to_json(row));
	}
	db_done(r);
	free(row);
	return rc < 0 ? rc : 0;
}

int followup_on_resolved(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t));
	struct calendar *cal = xcalloc(1, sizeof(*cal));
	int64_t cal_id = 0, due = 0, id = 0;
	int rc = ticket_get(db, ticket_id, t, err);
	if (rc < 0 || strcmp(t->type, "complaint") != 0)
		goto out;
	rc = db_query_int(db, &q_sla_cal, DB_ARGS(db_int(ticket_id)), &cal_id, err);
	if (rc == KF_ENOTFOUND)
		rc = 0;
	if (rc == 0)
		rc = calendar_store_load(db, cal_id, cal, err);
	if (rc == 0)
		rc = calendar_add_business_days(cal, now, (int)desk_settings_get(db, "followup_days", 2),
		                                &due, err);
	if (rc == 0)
		rc = db_query_int(db, &q_insert,
		                  DB_ARGS(db_int(ticket_id), t->customer_id ? db_int(t->customer_id) : db_null(),
		                          db_int(due), db_int(now)),
		                  &id, err);
	if (rc == 0)
		rc = job_schedule(db, "followup_due", id, due, now, err);
	if (rc == 0 && t->customer_id) { /* on the customer's timeline at the time it is due */
		char num[24];
		ticket_number(ticket_id, num, sizeof(num));
		rc = timeline_add(db, t->customer_id, due, "follow_up", ticket_id, num, err);
	}
out:
	free(t);
	free(cal);
	return rc;
}

static int open_followup(struct db *db, struct followup *f, int64_t now, struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t)), *c = xcalloc(1, sizeof(*c));
	char num[24], subject[128];
	int rc = ticket_get(db, f->complaint_id, c, err);
	ticket_number(f->complaint_id, num, sizeof(num));
	snprintf(subject, sizeof(subject), "回访 %s / Follow-up on %s", num, num);
	struct ticket_new in = { .type = "follow_up",
		                 .subject = subject,
		                 .channel = "system",
		                 .language = rc == 0 ? c->language : NULL,
		                 .customer_id = f->customer_id,
		                 .team_id = rc == 0 ? c->team_id : 0,
		                 .assignee_id = rc == 0 ? c->assignee_id : 0 };
	if (rc == KF_ENOTFOUND)
		rc = 0;
	if (rc == 0)
		rc = ticket_create(db, &followup_actor, now, &in, t, err);
	if (rc == 0) {
		f->ticket_id = t->id;
		int n = db_exec(db, &q_set_ticket, DB_ARGS(db_int(f->id), db_int(t->id)), err);
		rc = n < 0 ? n : 0;
	}
	if (rc == 0)
		rc = notification_add(db, t->assignee_id, "follow_up", t->id, "", now, err);
	free(t);
	free(c);
	return rc;
}

int followup_job_due(struct db *db, int64_t followup_id, int64_t now, struct kf_error *err)
{
	struct followup *f = xcalloc(1, sizeof(*f));
	int rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = followup_read(db, &q_row, followup_id, f, err);
	if (rc == KF_ENOTFOUND)
		rc = 0; /* the row is gone: nothing to do */
	else if (rc == 0 && !f->ticket_id)
		rc = open_followup(db, f, now, err);
	if (rc < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, err);
out:
	free(f);
	return rc;
}

static int reopen_complaint(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t));
	int rc = ticket_get(db, id, t, err);
	if (rc == 0 && (t->state == TS_RESOLVED || t->state == TS_CLOSED))
		rc = ticket_move(db, a, now, t, TS_OPEN, err);
	free(t);
	return rc;
}

static int close_followup_ticket(struct db *db, const struct actor *a, int64_t now, int64_t id,
                                 struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t));
	int rc = ticket_get(db, id, t, err);
	if (rc == 0 && t->state != TS_RESOLVED && t->state != TS_CLOSED)
		rc = ticket_move(db, a, now, t, TS_RESOLVED, err);
	free(t);
	return rc;
}

int followup_outcome(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                     const char *outcome, const char *note, json_t **out, struct kf_error *err)
{
	struct followup *f = xcalloc(1, sizeof(*f));
	int sad = outcome && strcmp(outcome, "not_satisfied") == 0;
	int rc = 0;
	if (!sad && (!outcome || strcmp(outcome, "satisfied") != 0)) {
		rc = kf_fail(err, KF_EINVAL, "invalid", "outcome",
		             "outcome must be satisfied or not_satisfied");
		goto out;
	}
	rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = followup_read(db, &q_by_ticket, ticket_id, f, err);
	if (rc == 0)
		rc = db_exec(db, &q_set_outcome,
		             DB_ARGS(db_int(f->id), db_text(outcome), db_text(note ? note : ""), db_int(now)),
		             err);
	if (rc == 0)
		rc = kf_fail(err, KF_ECONFLICT, "already_recorded", "outcome",
		             "the outcome is already recorded");
	json_t *ev = rc > 0 ? json_pack("{s:s,s:I}", "outcome", outcome, "follow_up_id", (json_int_t)ticket_id)
	                    : NULL;
	if (rc > 0)
		rc = ticket_event_add(db, a, now, f->complaint_id, "followup.outcome", NULL, ev, err);
	if (rc == 0) { /* on the complaint: the outcome and the follow-up ticket, no note */
		struct event e = { .type = "followup.done",
			           .entity = "ticket",
			           .entity_id = f->complaint_id,
			           .payload = ev,
			           .created_at_ms = now * 1000 };
		rc = outbox_append(db, &e, a, err);
	}
	json_decref(ev);
	if (rc == 0 && sad)
		rc = reopen_complaint(db, a, now, f->complaint_id, err);
	if (rc == 0)
		rc = close_followup_ticket(db, a, now, ticket_id, err);
	if (rc == 0)
		rc = followup_read(db, &q_by_ticket, ticket_id, f, err);
	if (rc < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, err);
	if (rc == 0)
		*out = followup_to_json(f);
out:
	free(f);
	return rc;
}

/* --- care ------------------------------------------------------------------------------ */

struct care_hit {
	int64_t id;
	char name[TEXTLEN_BYTES(CUSTOMER_NAME_MAX)]; /* the whole name: a shorter buffer would cut a character */
};

/* Collect up to max rows (id, name) of q; *n set. */
static int collect(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs,
                   struct care_hit *out, int max, int *n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*n = 0;
	int rc = db_query(db, q, args, nargs, &r, err);
	while (rc >= 0 && *n < max && (rc = db_next(r, err)) == 1) {
		out[*n].id = db_col_int(r, CARE_ID);
		str_copy(out[*n].name, sizeof(out[*n].name),
		         db_col_text(r, CARE_NAME) ? db_col_text(r, CARE_NAME) : "");
		(*n)++;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* The team care calls go to (desk setting care_team_id; 0 = routing decides, also when it is gone). */
static int care_team(struct db *db, int64_t *team, struct kf_error *err)
{
	*team = 0;
	int64_t want = desk_settings_get(db, "care_team_id", 0);
	int rc = want > 0 ? db_query_int(db, &q_team, DB_ARGS(db_int(want)), team, err) : 0;
	return rc == KF_ENOTFOUND ? 0 : rc;
}

static int open_care(struct db *db, const char *kind, const struct care_hit *h, const char *day, int64_t now,
                     struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t));
	char subject[TEXTLEN_BYTES(TICKET_SUBJECT_MAX)];
	if (strcmp(kind, "birthday") == 0)
		snprintf(subject, sizeof(subject), "生日问候：%s / Birthday greeting: %s", h->name, h->name);
	else
		snprintf(subject, sizeof(subject), "老客户回访：%s / Win-back: %s", h->name, h->name);
	struct ticket_new in = { .type = "care", .subject = subject, .channel = "system", .customer_id = h->id };
	int rc = care_team(db, &in.team_id, err);
	if (rc == 0)
		rc = ticket_create(db, &followup_actor, now, &in, t, err);
	if (rc == 0) {
		int n = db_exec(db, &q_care_run,
		                DB_ARGS(db_text(kind), db_int(h->id), db_text(day), db_int(t->id)), err);
		rc = n < 0 ? n : 0;
	}
	free(t);
	return rc;
}

static void day_text(int64_t day, char buf[16])
{
	int64_t y;
	int m, d;
	tz_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04" PRId64 "-%02d-%02d", y, m, d);
}

static int care_run(struct db *db, const struct calendar *cal, int64_t now, struct care_hit *hits,
                    struct kf_error *err)
{
	char today[16], cutoff_day[16], like[16];
	int64_t day = calendar_local_day(cal, now), lapse = desk_settings_get(db, "winback_days", 90);
	int n = 0;
	day_text(day, today);
	day_text(day - lapse, cutoff_day);
	snprintf(like, sizeof(like), "%%%s", today + 5); /* "%11-26": YYYY-MM-DD or MM-DD */
	int rc = collect(db, &q_birthdays, DB_ARGS(db_text(like), db_text(today), db_int(CARE_MAX_PER_RUN)),
	                 hits, CARE_MAX_PER_RUN, &n, err);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = open_care(db, "birthday", &hits[i], today, now, err);
	if (rc == 0)
		rc = collect(db, &q_lapsed,
		             DB_ARGS(db_int(now - lapse * 86400), db_text(cutoff_day), db_int(CARE_MAX_PER_RUN)),
		             hits, CARE_MAX_PER_RUN, &n, err);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = open_care(db, "win_back", &hits[i], today, now, err);
	if (rc == 0) /* again tomorrow at 08:00 local, business day or not */
		rc = job_schedule(db, "care_daily", 0, tz_from_local(cal->tz, (day + 1) * 86400 + 8 * 3600),
		                  now, err);
	return rc;
}

int care_job_daily(struct db *db, int64_t now, struct kf_error *err)
{
	struct calendar *cal = xcalloc(1, sizeof(*cal));
	struct care_hit *hits = xcalloc(CARE_MAX_PER_RUN, sizeof(*hits));
	int rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = calendar_store_load(db, 0, cal, err);
	if (rc == 0)
		rc = care_run(db, cal, now, hits, err);
	if (rc < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, err);
out:
	free(cal);
	free(hits);
	return rc;
}
