/*
 * survey.c - see survey.h.  The tables are survey_invitations,
 * survey_responses and survey_servqual (migration 0009).
 */
#include "quality/survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quality/survey_score.h"
#include "auth/audit.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "crm/timeline.h"
#include "events/outbox.h"
#include "jobs/job.h"
#include "store/db.h"

#define DAY_S 86400
#define DEFAULT_EXPIRY_DAYS 14
#define DEFAULT_DELAY_RESOLUTION_S 3600
#define DEFAULT_DELAY_DELIVERY_S DAY_S

#define INV_COLUMNS \
	"id, kind, COALESCE(customer_id, 0), COALESCE(ticket_id, 0), COALESCE(order_id, 0)," \
	" COALESCE(agent_id, 0), COALESCE(team_id, 0), language, sent_at, expires_at, COALESCE(responded_at, 0)"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO survey_invitations (kind, customer_id, ticket_id, order_id, agent_id, team_id, language,"
        " token_hash, sent_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
static struct db_sql q_by_hash = DB_SQL("SELECT " INV_COLUMNS " FROM survey_invitations WHERE token_hash = $1");
static struct db_sql q_lock_hash = DB_SQL("SELECT " INV_COLUMNS
                                          " FROM survey_invitations WHERE token_hash = $1 FOR UPDATE");
static struct db_sql q_lock_id = DB_SQL("SELECT " INV_COLUMNS
                                        " FROM survey_invitations WHERE id = $1 FOR UPDATE");
static struct db_sql q_n_ticket = DB_SQL("SELECT COUNT(*) FROM survey_invitations WHERE ticket_id = $1");
static struct db_sql q_n_order = DB_SQL("SELECT COUNT(*) FROM survey_invitations WHERE order_id = $1");
static struct db_sql q_answered = DB_SQL(
        "UPDATE survey_invitations SET responded_at = $2 WHERE id = $1 AND responded_at IS NULL");
static struct db_sql q_rehash = DB_SQL(
        "UPDATE survey_invitations SET token_hash = $2 WHERE id = $1 AND responded_at IS NULL");
static struct db_sql q_response = DB_SQL(
        "INSERT INTO survey_responses (invitation_id, kind, customer_id, ticket_id, order_id, agent_id, team_id,"
        " csat, nps, ces, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " RETURNING id");
static struct db_sql q_servqual = DB_SQL(
        "INSERT INTO survey_servqual (response_id, dimension, expectation, perception) VALUES ($1, $2, $3, $4)");
static struct db_sql q_shipments = DB_SQL(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), 0),"
        " COALESCE(MAX(delivered_at), 0) FROM shipments WHERE order_id = $1");
static struct db_sql q_order = DB_SQL(
        "SELECT o.number, COALESCE(o.customer_id, 0), COALESCE(c.locale, '') FROM orders o"
        " LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = $1");
static struct db_sql q_subject = DB_SQL("SELECT COALESCE((SELECT subject FROM tickets WHERE id = $1), ''),"
                                        " COALESCE((SELECT number FROM orders WHERE id = $2), '')");
static struct db_sql q_portal = DB_SQL(
        "SELECT i.id, i.kind, COALESCE(i.ticket_id, 0), COALESCE(i.order_id, 0), i.sent_at, i.expires_at,"
        " COALESCE(t.subject, ''), COALESCE(o.number, '') FROM survey_invitations i"
        " LEFT JOIN tickets t ON t.id = i.ticket_id LEFT JOIN orders o ON o.id = i.order_id"
        " WHERE i.customer_id = $1 AND i.responded_at IS NULL AND i.expires_at > $2"
        " ORDER BY i.id DESC LIMIT $3");
static struct db_sql q_list = DB_SQL(
        "SELECT id, invitation_id, kind, customer_id, ticket_id, order_id, agent_id, team_id, csat, nps, ces,"
        " comment, created_at FROM survey_responses"
        " WHERE created_at >= $1 AND created_at < $2 AND ($3 = '' OR kind = $3) AND ($4 = 0 OR agent_id = $4)"
        " AND ($5 = 0 OR team_id = $5) AND ($6 = 0 OR id < $6) ORDER BY id DESC LIMIT $7");
static struct db_sql q_list_servqual = DB_SQL(
        "SELECT dimension, expectation, perception FROM survey_servqual WHERE response_id = $1");

/* The survey settings live in the desk settings table (edited with the other desk settings). */
static struct db_sql q_setting = DB_SQL("SELECT value FROM desk_settings WHERE key = $1");

struct invitation {
	int64_t id;
	char kind[16]; /* resolution, delivery */
	int64_t customer_id, ticket_id, order_id, agent_id, team_id; /* 0 = none */
	char language[4]; /* zh, en */
	int64_t sent_at, expires_at;
	int64_t responded_at; /* 0 = not yet */
};

/* What a new invitation is about. */
struct invite_in {
	const char *kind;
	int64_t customer_id, ticket_id, order_id, agent_id, team_id;
	const char *language;
};

static struct db_arg id_or_null(int64_t id)
{
	return id ? db_int(id) : db_null();
}

static const char *lang_of_locale(const char *locale)
{
	return locale && strncmp(locale, "en", 2) == 0 ? "en" : "zh";
}

/* The setting key, def when unset (or unreadable). */
static int64_t setting_get(struct db *db, const char *key, int64_t def)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t v;
	return db_query_int(db, &q_setting, DB_ARGS(db_text(key)), &v, &err) == 0 ? v : def;
}

/* A ticket's number as staff and customers see it (the format of desk's ticket_number). */
static void ticket_no(int64_t id, char *buf, size_t n)
{
	snprintf(buf, n, "#%06lld", (long long)id);
}

static int64_t expiry_s(struct db *db)
{
	int64_t days = setting_get(db, "survey_expiry_days", DEFAULT_EXPIRY_DAYS);
	return (days > 0 && days <= 365 ? days : DEFAULT_EXPIRY_DAYS) * DAY_S;
}

static int64_t delay_s(struct db *db, const char *key, int64_t def)
{
	int64_t s = setting_get(db, key, def);
	return s >= 0 && s <= 90 * DAY_S ? s : def;
}

/* Insert an invitation with a new token; token gets the link's secret. */
/* Append a survey event about invitation id (payload stolen), as the system. */
static int survey_emit(struct db *db, int64_t now, const char *type, int64_t id, json_t *payload,
                       struct kf_error *err)
{
	struct event ev = {
		.type = type, .entity = "survey", .entity_id = id, .payload = payload, .created_at_ms = now * 1000
	};
	int rc = outbox_append(db, &ev, NULL, err);
	json_decref(payload);
	return rc;
}

/* The ids of invitation v, for its events (never the token). */
static json_t *survey_ids(const char *kind, int64_t customer_id, int64_t ticket_id, int64_t order_id)
{
	return json_pack("{s:s,s:I,s:I,s:I}", "kind", kind, "customer_id", (json_int_t)customer_id,
	                 "ticket_id", (json_int_t)ticket_id, "order_id", (json_int_t)order_id);
}

static int invite(struct db *db, const struct invite_in *in, int64_t now, char token[TOKEN_TEXT_MAX],
                  int64_t *id, struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX];
	token_random("", token);
	token_hash_hex(token, hash);
	int rc = db_query_int(db, &q_insert,
	                      DB_ARGS(db_text(in->kind), id_or_null(in->customer_id),
	                              id_or_null(in->ticket_id), id_or_null(in->order_id),
	                              id_or_null(in->agent_id), id_or_null(in->team_id), db_text(in->language),
	                              db_text(hash), db_int(now), db_int(now + expiry_s(db))),
	                      id, err);
	if (rc == 0)
		rc = survey_emit(db, now, "survey.sent", *id,
		                 survey_ids(in->kind, in->customer_id, in->ticket_id, in->order_id), err);
	return rc;
}

static void inv_from_row(struct db_rows *r, struct invitation *v)
{
	const char *kind = db_col_text(r, 1), *lang = db_col_text(r, 7);
	v->id = db_col_int(r, 0);
	str_copy(v->kind, sizeof(v->kind), kind ? kind : "");
	v->customer_id = db_col_int(r, 2);
	v->ticket_id = db_col_int(r, 3);
	v->order_id = db_col_int(r, 4);
	v->agent_id = db_col_int(r, 5);
	v->team_id = db_col_int(r, 6);
	str_copy(v->language, sizeof(v->language), lang ? lang : "zh");
	v->sent_at = db_col_int(r, 8);
	v->expires_at = db_col_int(r, 9);
	v->responded_at = db_col_int(r, 10);
}

/* Read one invitation by q with key; KF_ENOTFOUND "not_found" when none. */
static int inv_read(struct db *db, struct db_sql *q, struct db_arg key, struct invitation *v,
                    struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, &key, 1, &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		inv_from_row(r, v);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "token", "no such survey");
	return rc < 0 ? rc : 0;
}

/* The invitation of token, still open at now: not answered, not expired. */
static int inv_open(struct db *db, struct db_sql *q, const char *token, int64_t now, struct invitation *v,
                    struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX];
	if (!token || !*token || strlen(token) >= TOKEN_TEXT_MAX)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "token", "no such survey");
	token_hash_hex(token, hash);
	int rc = inv_read(db, q, db_text(hash), v, err);
	if (rc < 0)
		return rc;
	if (v->responded_at)
		return kf_fail(err, KF_ECONFLICT, "survey_used", "token",
		               "this survey was already answered; thank you");
	if (now >= v->expires_at)
		return kf_fail(err, KF_ECONFLICT, "survey_expired", "token", "this survey link has expired");
	return 0;
}

static int count_of(struct db *db, struct db_sql *q, int64_t id, int64_t *n, struct kf_error *err)
{
	return db_query_int(db, q, DB_ARGS(db_int(id)), n, err);
}

/* --- sending ------------------------------------------------------------- */

static int ticket_may_survey(const struct survey_ticket *t)
{
	return t->customer_id && !t->merged_into_id && strcmp(t->type, "care") != 0 &&
	        strcmp(t->type, "follow_up") != 0;
}

int survey_on_resolved(struct db *db, const struct survey_ticket *t, int64_t now, struct kf_error *err)
{
	int64_t n = 1; /* no survey for this ticket unless it may get one */
	int rc = ticket_may_survey(t) ? count_of(db, &q_n_ticket, t->id, &n, err) : 0;
	if (rc == 0 && n == 0)
		rc = job_schedule(db, SURVEY_RESOLUTION_JOB, t->id,
		                  now + delay_s(db, "survey_delay_resolution_s", DEFAULT_DELAY_RESOLUTION_S),
		                  now, err);
	return rc;
}

/* The message that carries a ticket's link, in the ticket's language. */
static void invitation_text(const struct survey_ticket *t, const char *token, int64_t days, char *out, size_t n)
{
	char num[24];
	ticket_no(t->id, num, sizeof(num));
	if (strcmp(t->language, "en") == 0)
		snprintf(out, n,
		         "Your request %s has been resolved. Please take a minute to tell us how we did:"
		         " /survey/%s (the link works once, for %lld days).",
		         num, token, (long long)days);
	else
		snprintf(out, n,
		         "您的工单 %s 已处理完毕。请花一分钟告诉我们您的感受：/survey/%s（链接 %lld 天内有效，仅可提交一次）。",
		         num, token, (long long)days);
}

/* Invite, add the timeline row; post gets the text that carries the link. */
static int invite_ticket(struct db *db, const struct survey_ticket *t, int64_t now, char *post, size_t n,
                         struct kf_error *err)
{
	char token[TOKEN_TEXT_MAX];
	int64_t id = 0;
	struct invite_in in = { "resolution",
		                t->customer_id,
		                t->id,
		                t->order_id,
		                t->assignee_id,
		                t->team_id,
		                strcmp(t->language, "en") == 0 ? "en" : "zh" };
	int rc = invite(db, &in, now, token, &id, err);
	if (rc < 0)
		return rc;
	invitation_text(t, token, expiry_s(db) / DAY_S, post, n);
	return timeline_add(db, t->customer_id, now, "survey", id, t->subject, err);
}

int survey_ticket_invite(struct db *db, const struct survey_ticket *t, int64_t now, char *post, size_t n,
                         struct kf_error *err)
{
	int64_t count = 1;
	int rc = 0;
	*post = '\0';
	if (ticket_may_survey(t) && t->settled)
		rc = count_of(db, &q_n_ticket, t->id, &count, err);
	if (rc == 0 && count == 0)
		rc = invite_ticket(db, t, now, post, n, err);
	if (rc < 0)
		*post = '\0';
	return rc;
}

/* Run fn in a transaction of its own (nested in the caller's, if any). */
static int in_tx(struct db *db, int (*fn)(struct db *, int64_t, int64_t, struct kf_error *), int64_t ref,
                 int64_t now, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = fn(db, ref, now, err);
	return db_finish(db, rc, err);
}

/* Is every shipment of order_id delivered (at least one)?  *last gets the latest delivery. */
static int order_delivered(struct db *db, int64_t order_id, int *yes, int64_t *last, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_shipments, DB_ARGS(db_int(order_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	*yes = 0;
	if (rc == 1) {
		*yes = db_col_int(r, 0) > 0 && db_col_int(r, 0) == db_col_int(r, 1);
		*last = db_col_int(r, 2);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int survey_on_delivered(struct db *db, int64_t order_id, int64_t now, struct kf_error *err)
{
	int all = 0;
	int64_t last = 0, n = 1;
	int rc = order_delivered(db, order_id, &all, &last, err);
	if (rc == 0 && all)
		rc = count_of(db, &q_n_order, order_id, &n, err);
	if (rc == 0 && n == 0)
		rc = job_schedule(db, SURVEY_DELIVERY_JOB, order_id,
		                  now + delay_s(db, "survey_delay_delivery_s", DEFAULT_DELAY_DELIVERY_S), now,
		                  err);
	return rc;
}

struct order_brief {
	char number[128];
	int64_t customer_id;
	char language[4];
};

static int order_brief(struct db *db, int64_t id, struct order_brief *o, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_order, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		str_copy(o->number, sizeof(o->number), db_col_text(r, 0) ? db_col_text(r, 0) : "");
		o->customer_id = db_col_int(r, 1);
		str_copy(o->language, sizeof(o->language), lang_of_locale(db_col_text(r, 2)));
	}
	db_done(r);
	if (rc == 0)
		return KF_ENOTFOUND;
	return rc < 0 ? rc : 0;
}

/*
 * An order delivered long ago (history imported today) gets no survey:
 * the delivery must be younger than a survey's lifetime.
 */
static int delivery_job(struct db *db, int64_t order_id, int64_t now, struct kf_error *err)
{
	struct order_brief o = { "", 0, "zh" };
	char token[TOKEN_TEXT_MAX], summary[160];
	int all = 0;
	int64_t last = 0, n = 1, id = 0;
	int rc = order_brief(db, order_id, &o, err);
	if (rc == KF_ENOTFOUND || (rc == 0 && !o.customer_id))
		return 0;
	if (rc == 0)
		rc = order_delivered(db, order_id, &all, &last, err);
	if (rc == 0 && all && last + expiry_s(db) > now)
		rc = count_of(db, &q_n_order, order_id, &n, err);
	if (rc < 0 || n > 0)
		return rc;
	struct invite_in in = { "delivery", o.customer_id, 0, order_id, 0, 0, o.language };
	rc = invite(db, &in, now, token, &id, err);
	str_copy(summary, sizeof(summary), o.number);
	if (rc == 0)
		rc = timeline_add(db, o.customer_id, now, "survey", id, summary, err);
	return rc;
}

int survey_job_delivery(struct db *db, int64_t order_id, int64_t now, struct kf_error *err)
{
	return in_tx(db, delivery_job, order_id, now, err);
}

/* --- the public form ------------------------------------------------------ */

static json_t *form_json(struct db *db, const struct invitation *v, struct kf_error *err, int *rc)
{
	struct db_rows *r = NULL;
	json_t *q = json_pack("[s,s,s]", "csat", "ces", "nps");
	json_t *out = json_pack("{s:s,s:s,s:o,s:I}", "kind", v->kind, "language", v->language, "questions", q,
	                        "expires_at", (json_int_t)v->expires_at);
	if (strcmp(v->kind, "delivery") == 0) {
		json_t *dims = json_array();
		for (int d = 0; d < SQ_DIMS; d++)
			json_array_append_new(dims, json_string(servqual_dim_name((enum servqual_dim)d)));
		json_array_append_new(q, json_string("servqual"));
		json_object_set_new(out, "servqual_dimensions", dims);
	}
	*rc = db_query(db, &q_subject, DB_ARGS(db_int(v->ticket_id), db_int(v->order_id)), &r, err);
	if (*rc >= 0)
		*rc = db_next(r, err);
	if (*rc == 1 && v->ticket_id) {
		char num[24];
		ticket_no(v->ticket_id, num, sizeof(num));
		json_object_set_new(out, "ticket_number", json_string(num));
		json_object_set_new(out, "subject", json_str_or_null(db_col_text(r, 0)));
	}
	if (*rc == 1 && v->order_id)
		json_object_set_new(out, "order_number", json_str_or_null(db_col_text(r, 1)));
	db_done(r);
	*rc = *rc < 0 ? *rc : 0;
	return out;
}

int survey_form(struct db *db, const char *token, int64_t now, json_t **out, struct kf_error *err)
{
	struct invitation v;
	int rc = inv_open(db, &q_by_hash, token, now, &v, err);
	*out = NULL;
	if (rc < 0)
		return rc;
	json_t *j = form_json(db, &v, err, &rc);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

/* --- answering ----------------------------------------------------------- */

struct answers {
	int csat, nps, ces; /* SURVEY_SKIPPED when not given */
	const char *comment; /* borrowed from the body; "" when none */
	int sq_e[SQ_DIMS], sq_p[SQ_DIMS]; /* 0 = dimension not answered */
	int n; /* scores given */
};

/* An optional integer score in [lo, hi] (null = skipped). */
static int score(json_t *body, const char *key, int lo, int hi, int *out, int *n, struct kf_error *err)
{
	int64_t v = 0;
	json_t *j = json_object_get(body, key);
	*out = SURVEY_SKIPPED;
	if (!j || json_is_null(j))
		return 0;
	int rc = json_get_int(body, key, 0, lo, hi, &v, err);
	if (rc < 0)
		return rc;
	*out = (int)v;
	(*n)++;
	return 0;
}

/* One SERVQUAL pair {"expectation":1-7,"perception":1-7}; the field names the dimension. */
static int servqual_pair(json_t *pair, const char *dim, int *e, int *p, struct kf_error *err)
{
	static const char *const keys[] = { "expectation", "perception", NULL };
	const char *const names[2] = { "expectation", "perception" };
	int *out[2] = { e, p };
	char field[KF_ERR_FIELD_MAX];
	if (!json_is_object(pair))
		return kf_fail(err, KF_EINVAL, "type", "servqual", "servqual.%s must be an object", dim);
	if (json_only_keys(pair, keys, err) < 0) {
		snprintf(field, sizeof(field), "servqual.%.16s.%.32s", dim, err->field);
		return kf_fail(err, KF_EINVAL, "unknown_field", field, "unknown field %s", field);
	}
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(pair, names[i]);
		snprintf(field, sizeof(field), "servqual.%.16s.%s", dim, names[i]);
		if (!v || json_is_null(v))
			return kf_fail(err, KF_EINVAL, "required", field, "%s is required", field);
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 7)
			return kf_fail(err, KF_EINVAL, "range", field, "%s must be an integer from 1 to 7",
			               field);
		*out[i] = (int)json_integer_value(v);
	}
	return 0;
}

static int servqual_parse(json_t *body, int allowed, struct answers *a, struct kf_error *err)
{
	json_t *sq = json_object_get(body, "servqual"), *pair;
	const char *dim;
	if (!sq || json_is_null(sq))
		return 0;
	if (!allowed)
		return kf_fail(err, KF_EINVAL, "invalid", "servqual", "this survey has no SERVQUAL questions");
	if (!json_is_object(sq))
		return kf_fail(err, KF_EINVAL, "type", "servqual", "servqual must be an object of dimensions");
	json_object_foreach(sq, dim, pair)
	{
		int d = servqual_dim_parse(dim);
		if (d < 0)
			return kf_fail(err, KF_EINVAL, "unknown_field", "servqual",
			               "servqual dimensions are tangibles, reliability, responsiveness, assurance"
			               " and empathy");
		int rc = servqual_pair(pair, dim, &a->sq_e[d], &a->sq_p[d], err);
		if (rc < 0)
			return rc;
		a->n++;
	}
	return 0;
}

static int answers_parse(json_t *body, const struct invitation *v, struct answers *a, struct kf_error *err)
{
	static const char *const keys[] = { "csat", "nps", "ces", "comment", "servqual", NULL };
	memset(a, 0, sizeof(*a));
	a->comment = "";
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = score(body, "csat", 1, 5, &a->csat, &a->n, err);
	if (rc == 0)
		rc = score(body, "nps", 0, 10, &a->nps, &a->n, err);
	if (rc == 0)
		rc = score(body, "ces", 1, 7, &a->ces, &a->n, err);
	if (rc == 0)
		rc = json_get_text(body, "comment", 0, SURVEY_COMMENT_MAX, &a->comment, err) < 0 ? KF_EINVAL
		                                                                                 : 0;
	if (rc == 0)
		rc = servqual_parse(body, strcmp(v->kind, "delivery") == 0, a, err);
	if (rc == 0 && a->n == 0)
		rc = kf_fail(err, KF_EINVAL, "survey_empty", "csat", "answer at least one question");
	return rc < 0 ? rc : 0;
}

static struct db_arg score_arg(int v)
{
	return v == SURVEY_SKIPPED ? db_null() : db_int(v);
}

static int write_response(struct db *db, const struct invitation *v, const struct answers *a, int64_t now,
                          int64_t *id, struct kf_error *err)
{
	int rc = db_query_int(db, &q_response,
	                      DB_ARGS(db_int(v->id), db_text(v->kind), id_or_null(v->customer_id),
	                              id_or_null(v->ticket_id), id_or_null(v->order_id),
	                              id_or_null(v->agent_id), id_or_null(v->team_id), score_arg(a->csat),
	                              score_arg(a->nps), score_arg(a->ces), db_text(a->comment), db_int(now)),
	                      id, err);
	for (int d = 0; rc == 0 && d < SQ_DIMS; d++)
		if (a->sq_e[d]) {
			int n = db_exec(db, &q_servqual,
			                DB_ARGS(db_int(*id), db_text(servqual_dim_name((enum servqual_dim)d)),
			                        db_int(a->sq_e[d]), db_int(a->sq_p[d])),
			                err);
			rc = n < 0 ? n : 0;
		}
	if (rc == 0) {
		int n = db_exec(db, &q_answered, DB_ARGS(db_int(v->id), db_int(now)), err);
		rc = n < 0       ? n
		        : n == 1 ? 0
		                 : kf_fail(err, KF_ECONFLICT, "survey_used", "token",
		                           "this survey was already answered");
	}
	return rc;
}

/* "CSAT 5 · NPS 9 · CES 6" for the customer's timeline. */
static void summary_of(const struct answers *a, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	if (a->csat != SURVEY_SKIPPED)
		buf_addf(&b, "CSAT %d ", a->csat);
	if (a->nps != SURVEY_SKIPPED)
		buf_addf(&b, "NPS %d ", a->nps);
	if (a->ces != SURVEY_SKIPPED)
		buf_addf(&b, "CES %d ", a->ces);
	snprintf(out, n, "%s", b.len ? buf_cstr(&b) : "SERVQUAL");
	buf_release(&b);
}

static int submit(struct db *db, const char *token, json_t *body, int64_t now, int64_t *id, struct kf_error *err)
{
	struct invitation v;
	struct answers a;
	char summary[64];
	int rc = inv_open(db, &q_lock_hash, token, now, &v, err);
	if (rc == 0)
		rc = answers_parse(body, &v, &a, err);
	if (rc == 0)
		rc = write_response(db, &v, &a, now, id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_ECONFLICT, "survey_used", "token", "this survey was already answered");
	if (rc == 0) {
		summary_of(&a, summary, sizeof(summary));
		rc = timeline_add(db, v.customer_id, now, "survey", *id, summary, err);
	}
	if (rc == 0) { /* the scores, never the comment */
		json_t *p = survey_ids(v.kind, v.customer_id, v.ticket_id, v.order_id);
		json_object_set_new(p, "response_id", json_integer(*id));
		json_object_set_new(p, "csat", a.csat == SURVEY_SKIPPED ? json_null() : json_integer(a.csat));
		json_object_set_new(p, "nps", a.nps == SURVEY_SKIPPED ? json_null() : json_integer(a.nps));
		json_object_set_new(p, "ces", a.ces == SURVEY_SKIPPED ? json_null() : json_integer(a.ces));
		rc = survey_emit(db, now, "survey.answered", v.id, p, err);
	}
	return rc;
}

int survey_submit(struct db *db, const char *token, json_t *body, int64_t now, json_t **out,
                  struct kf_error *err)
{
	int64_t id = 0;
	*out = NULL;
	if (!json_is_object(body))
		return kf_fail(err, KF_EINVAL, "bad_json", NULL, "the body must be a JSON object");
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = submit(db, token, body, now, &id, err);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (rc == 0)
		*out = json_pack("{s:I,s:I}", "id", (json_int_t)id, "created_at", (json_int_t)now);
	return rc;
}

/* --- the portal ----------------------------------------------------------- */

static json_t *portal_item(struct db_rows *r)
{
	int64_t id = db_col_int(r, 0), ticket = db_col_int(r, 2), order = db_col_int(r, 3);
	char link[64], num[24];
	snprintf(link, sizeof(link), "/api/v1/portal/surveys/%lld/link", (long long)id);
	ticket_no(ticket, num, sizeof(num));
	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:I,s:I,s:s}", "id", (json_int_t)id, "kind",
	                 db_col_text(r, 1), "ticket_id", ticket ? json_integer(ticket) : json_null(),
	                 "ticket_number", ticket ? json_string(num) : json_null(), "order_id",
	                 order ? json_integer(order) : json_null(), "order_number",
	                 order ? json_str_or_null(db_col_text(r, 7)) : json_null(), "sent_at",
	                 (json_int_t)db_col_int(r, 4), "expires_at", (json_int_t)db_col_int(r, 5), "link",
	                 link);
}

int survey_portal_list(struct db *db, int64_t customer_id, int64_t now, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	int rc = db_query(db, &q_portal, DB_ARGS(db_int(customer_id), db_int(now), db_int(SURVEY_PORTAL_MAX)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(*items, portal_item(r));
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

static int relink(struct db *db, int64_t customer_id, int64_t id, int64_t now, char token[TOKEN_TEXT_MAX],
                  int64_t *expires_at, struct kf_error *err)
{
	struct invitation v;
	char hash[TOKEN_HASH_HEX];
	int rc = inv_read(db, &q_lock_id, db_int(id), &v, err);
	if (rc == 0 && v.customer_id != customer_id)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such survey");
	if (rc == 0 && v.responded_at)
		rc = kf_fail(err, KF_ECONFLICT, "survey_used", NULL,
		             "this survey was already answered; thank you");
	if (rc == 0 && now >= v.expires_at)
		rc = kf_fail(err, KF_ECONFLICT, "survey_expired", NULL, "this survey has expired");
	if (rc < 0)
		return rc == KF_ENOTFOUND ? kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such survey")
		                          : rc;
	token_random("", token);
	token_hash_hex(token, hash);
	int n = db_exec(db, &q_rehash, DB_ARGS(db_int(id), db_text(hash)), err);
	*expires_at = v.expires_at;
	return n < 0 ? n : 0;
}

int survey_relink(struct db *db, int64_t customer_id, int64_t id, int64_t now, char token[TOKEN_TEXT_MAX],
                  int64_t *expires_at, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = relink(db, customer_id, id, now, token, expires_at, err);
	return db_finish(db, rc, err);
}

/* --- the staff list ------------------------------------------------------- */

static json_t *opt_id(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? json_null() : json_integer(db_col_int(r, col));
}

static int servqual_of(struct db *db, int64_t response_id, json_t *item, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *sq = json_object();
	int rc = db_query(db, &q_list_servqual, DB_ARGS(db_int(response_id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_object_set_new(sq, db_col_text(r, 0),
		                    json_pack("{s:I,s:I}", "expectation", (json_int_t)db_col_int(r, 1),
		                              "perception", (json_int_t)db_col_int(r, 2)));
	db_done(r);
	json_object_set_new(item, "servqual", sq);
	return rc < 0 ? rc : 0;
}

static json_t *response_item(struct db_rows *r)
{
	return json_pack("{s:I,s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:I}", "id",
	                 (json_int_t)db_col_int(r, 0), "invitation_id", (json_int_t)db_col_int(r, 1), "kind",
	                 db_col_text(r, 2), "customer_id", opt_id(r, 3), "ticket_id", opt_id(r, 4),
	                 "order_id", opt_id(r, 5), "agent_id", opt_id(r, 6), "team_id", opt_id(r, 7), "csat",
	                 opt_id(r, 8), "nps", opt_id(r, 9), "ces", opt_id(r, 10), "comment",
	                 db_col_text(r, 11) ? db_col_text(r, 11) : "", "created_at",
	                 (json_int_t)db_col_int(r, 12));
}

int survey_list(struct db *db, const struct survey_filter *f, int64_t before_id, int limit, json_t **items,
                int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, &q_list,
	                  DB_ARGS(db_int(f->from), db_int(f->to > 0 ? f->to : INT64_MAX),
	                          db_text(f->kind ? f->kind : ""), db_int(f->agent_id), db_int(f->team_id),
	                          db_int(before_id), db_int(limit)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, 0);
		json_array_append_new(*items, response_item(r));
	}
	db_done(r);
	size_t i;
	json_t *it;
	json_array_foreach(*items, i, it) if (rc == 0)
	        rc = servqual_of(db, json_integer_value(json_object_get(it, "id")), it, err);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}
