/*
 * test_survey.c - quality/survey.c over a temporary SQLite store (and
 * PostgreSQL, a schema per test, when KF_TEST_PG_URL is set): a resolved
 * ticket schedules the survey job, the scheduler posts the invitation as a
 * public message with a one-time link, the form, the answer (once: the
 * second is survey_used), expiry, field errors, once per ticket, no survey
 * for care tickets; an order whose every parcel is delivered gets a
 * delivery survey with SERVQUAL, listed to its owner in the portal, whose
 * fresh link replaces the old one; the staff list and its filters; the
 * "surveys" and "servqual" reports on known rows; the demo's surveys,
 * the same for the same seed.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "app/wiring.h"
#include "analytics/report.h"
#include "quality/survey_score.h"
#include "auth/user.h"
#include "base/json.h"
#include "demo/demo.h"
#include "desk/team.h"
#include "desk/message.h"
#include "desk/ticket.h"
#include "jobs/job.h"
#include "jobs/scheduler.h"
#include "logistics/shipment.h"
#include "quality/survey.h"
#include "store/db.h"
#include "base/banned.h"

#define T0 1790000000 /* a fixed "now", 2026-09 */
#define HOUR 3600
#define DAY 86400

static const char *pg_base_url; /* KF_TEST_PG_URL, or NULL */
static PGconn *pg_admin; /* creates and drops the per-test schemas */

struct fixture {
	int pg; /* 1: PostgreSQL, 0: SQLite */
	char dir[64];
	char schema[64]; /* PostgreSQL: the test's schema */
	char url[1024];
	struct store *store;
	struct db *db;
	int64_t agent; /* users.id of the agent who solves tickets */
	int64_t team;
	int64_t customer; /* a Chinese-speaking customer */
	int64_t customer_en; /* an English-speaking one */
};

static const struct actor tester = { "cli", 0, "test", NULL, NULL };

static int open_store(struct fixture *f)
{
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	opt.create = 1;
	opt.migrate = 1;
	opt.sync_full = 0;
	if (store_open(f->url, &opt, &f->store, &err) < 0) {
		print_error("store_open %s: %s\n", f->url, err.message);
		return -1;
	}
	f->db = store_db(f->store, &err);
	return f->db ? 0 : -1;
}

static int pg_admin_exec(const char *sql)
{
	PGresult *res = PQexec(pg_admin, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		print_error("%s: %s\n", sql, PQerrorMessage(pg_admin));
	PQclear(res);
	return ok ? 0 : -1;
}

static int fresh_url(struct fixture *f)
{
	static int seq;
	char sql[128];
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-survey-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (!f->pg) {
		snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
		return 0;
	}
	snprintf(f->schema, sizeof(f->schema), "kfu_survey_%d_%d", (int)getpid(), ++seq);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
	if (strncmp(pg_base_url, "postgres", 8) == 0)
		snprintf(f->url, sizeof(f->url), "%s%coptions=-csearch_path%%3D%s", pg_base_url,
		         strchr(pg_base_url, '?') ? '&' : '?', f->schema);
	else
		snprintf(f->url, sizeof(f->url), "%s options='-csearch_path=%s'", pg_base_url, f->schema);
	return pg_admin_exec(sql);
}

static struct db_sql q_customer = DB_SQL(
        "INSERT INTO customers (name, locale, created_at, updated_at) VALUES ($1, $2, 0, 0) RETURNING id");

static int64_t new_customer(struct fixture *f, const char *name, const char *locale)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id = 0;
	if (db_query_int(f->db, &q_customer, DB_ARGS(db_text(name), db_text(locale)), &id, &err) < 0)
		fail_msg("customer: %s", err.message);
	return id;
}

static int setup_with(void **state, int pg)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct kf_error err = KF_ERROR_INIT;
	struct user u;
	*state = f;
	if (!f)
		return -1;
	f->pg = pg;
	if (fresh_url(f) < 0 || open_store(f) < 0)
		return -1;
	if (user_create(f->db, &tester, T0, "wangfang", "王芳", ROLE_AGENT, "a-long-password-1", &u, &err) < 0)
		return -1;
	f->agent = u.id;
	struct team_input in = { .present = TEAM_HAS_NAME, .name = "售后组" };
	int rc = team_create(f->db, &tester, T0, &in, &f->team, &err);
	f->customer = new_customer(f, "张三", "zh-CN");
	f->customer_en = new_customer(f, "Jane Doe", "en");
	return rc;
}

static int setup(void **state)
{
	return setup_with(state, 0);
}

static int setup_pg(void **state)
{
	return setup_with(state, 1);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[64 + 1 + 256];
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (!f)
		return 0;
	store_close(f->store);
	remove_dir(f->dir);
	if (f->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		pg_admin_exec(sql);
	}
	free(f);
	return 0;
}

static struct db_sql q_n_inv = DB_SQL("SELECT COUNT(*) FROM survey_invitations WHERE ticket_id = $1");
static struct db_sql q_n_inv_order = DB_SQL("SELECT COUNT(*) FROM survey_invitations WHERE order_id = $1");
static struct db_sql q_timeline = DB_SQL(
        "SELECT COUNT(*) FROM timeline WHERE customer_id = $1 AND kind = 'survey'");
static struct db_sql q_response = DB_SQL(
        "SELECT csat * 10000 + nps * 100 + ces FROM survey_responses WHERE ticket_id = $1");
static struct db_sql q_agent = DB_SQL("SELECT agent_id FROM survey_responses WHERE ticket_id = $1");
static struct db_sql q_order = DB_SQL(
        "INSERT INTO orders (number, customer_id, placed_at, created_at, updated_at) VALUES ($1, $2, $3, $3, $3)"
        " RETURNING id");
static struct db_sql q_shipment = DB_SQL(
        "INSERT INTO shipments (order_id, customer_id, tracking_number, status, created_at, updated_at)"
        " VALUES ($1, $2, $3, 'in_transit', $4, $4) RETURNING id");
static struct db_sql q_servqual = DB_SQL(
        "SELECT COUNT(*) FROM survey_servqual s JOIN survey_responses r ON r.id = s.response_id"
        " WHERE r.order_id = $1");
static struct db_sql q_setting = DB_SQL("INSERT INTO desk_settings (key, value) VALUES ($1, $2)");

static int64_t query_int(struct fixture *f, struct db_sql *q, int64_t id)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t n = -1;
	if (db_query_int(f->db, q, DB_ARGS(db_int(id)), &n, &err) < 0)
		fail_msg("query: %s", err.message);
	return n;
}

static int64_t due(struct fixture *f, const char *kind, int64_t ref)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t at = 0;
	return job_due(f->db, kind, ref, &at, &err) == 0 ? at : 0;
}

static int64_t new_ticket(struct fixture *f, const char *type, int64_t customer, const char *lang)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	struct ticket_new in = { .type = type,
		                 .subject = "包裹破损 parcel damaged",
		                 .team_id = f->team,
		                 .assignee_id = f->agent,
		                 .customer_id = customer,
		                 .language = lang };
	if (ticket_create(f->db, &tester, T0, &in, &t, &err) < 0)
		fail_msg("ticket_create: %s", err.message);
	return t.id;
}

static void move(struct fixture *f, int64_t id, enum ticket_state to, int64_t at)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	if (ticket_transition(f->db, &tester, at, id, 0, to, &t, &err) < 0)
		fail_msg("transition to %s: %s", ticket_state_name(to), err.message);
}

/* The token in the last message of ticket id ("/survey/<token>"), into tok. */
static void token_of_ticket(struct fixture *f, int64_t id, char tok[TOKEN_TEXT_MAX])
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	int64_t last = 0;
	assert_int_equal(message_list(f->db, id, 0, 50, &items, &last, &err), 0);
	json_t *m = json_array_get(items, json_array_size(items) - 1);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "kind")), "public");
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "author"), "kind")), "system");
	const char *body = json_string_value(json_object_get(m, "body"));
	const char *p = strstr(body, "/survey/");
	assert_non_null(p);
	p += strlen("/survey/");
	size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	assert_int_equal(n, 43); /* 32 bytes, URL-safe base64 without padding */
	snprintf(tok, TOKEN_TEXT_MAX, "%.*s", (int)n, p);
	json_decref(items);
}

static int submit(struct fixture *f, const char *token, const char *json, int64_t at, struct kf_error *err)
{
	json_t *body = json_loads(json, 0, NULL), *out = NULL;
	assert_non_null(body);
	int rc = survey_submit(f->db, token, body, at, &out, err);
	if (rc == 0)
		assert_true(json_integer_value(json_object_get(out, "id")) > 0);
	json_decref(out);
	json_decref(body);
	return rc;
}

static void test_resolution_survey(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	char tok[TOKEN_TEXT_MAX];
	json_t *form = NULL;
	int64_t id = new_ticket(f, "complaint", f->customer, "zh");
	int64_t resolved = T0 + HOUR;
	move(f, id, TS_OPEN, T0 + 60);
	/* complaints need their process before resolving; force it for this test */
	struct ticket t;
	assert_int_equal(ticket_get(f->db, id, &t, &err), 0);
	snprintf(t.type, sizeof(t.type), "inquiry");
	assert_int_equal(ticket_write(f->db, &t, T0 + 60, &err), 0);
	move(f, id, TS_RESOLVED, resolved);
	assert_int_equal(due(f, SURVEY_RESOLUTION_JOB, id), resolved + HOUR);
	/* nothing before the delay */
	scheduler_tick(f->store, resolved + 60);
	assert_int_equal(query_int(f, &q_n_inv, id), 0);
	assert_true(scheduler_tick(f->store, resolved + HOUR) >= 1);
	assert_int_equal(query_int(f, &q_n_inv, id), 1);
	token_of_ticket(f, id, tok);
	assert_int_equal(query_int(f, &q_timeline, f->customer), 1);
	/* the message left the ticket resolved */
	assert_int_equal(ticket_get(f->db, id, &t, &err), 0);
	assert_int_equal(t.state, TS_RESOLVED);

	int64_t now = resolved + 2 * HOUR;
	assert_int_equal(survey_form(f->db, tok, now, &form, &err), 0);
	assert_string_equal(json_string_value(json_object_get(form, "kind")), "resolution");
	assert_string_equal(json_string_value(json_object_get(form, "language")), "zh");
	assert_string_equal(json_string_value(json_object_get(form, "ticket_number")), "#000001");
	assert_null(json_object_get(form, "servqual_dimensions"));
	assert_int_equal(json_integer_value(json_object_get(form, "expires_at")), resolved + HOUR + 14 * DAY);
	json_decref(form);

	assert_int_equal(submit(f, tok, "{\"csat\":5,\"nps\":9,\"ces\":6,\"comment\":\"很快\"}", now, &err), 0);
	assert_int_equal(query_int(f, &q_response, id), 50906);
	assert_int_equal(query_int(f, &q_agent, id), f->agent);
	assert_int_equal(query_int(f, &q_timeline, f->customer), 2);
	/* once */
	assert_int_equal(submit(f, tok, "{\"csat\":1}", now + 1, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "survey_used");
	assert_int_equal(survey_form(f->db, tok, now + 1, &form, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "survey_used");
	assert_int_equal(survey_form(f->db, "no-such-token", now, &form, &err), KF_ENOTFOUND);
	assert_int_equal(survey_form(f->db, "", now, &form, &err), KF_ENOTFOUND);

	/* reopened and resolved again: still one survey per ticket */
	move(f, id, TS_OPEN, now + 10);
	move(f, id, TS_RESOLVED, now + 20);
	assert_int_equal(due(f, SURVEY_RESOLUTION_JOB, id), 0);
	scheduler_tick(f->store, now + 2 * DAY);
	assert_int_equal(query_int(f, &q_n_inv, id), 1);
}

static void test_expiry_and_fields(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct db_sql *q = &q_setting;
	char tok[TOKEN_TEXT_MAX];
	json_t *form = NULL;
	assert_true(db_exec(f->db, q, DB_ARGS(db_text("survey_expiry_days"), db_int(2)), &err) >= 0);
	assert_true(db_exec(f->db, q, DB_ARGS(db_text("survey_delay_resolution_s"), db_int(0)), &err) >= 0);
	int64_t id = new_ticket(f, "inquiry", f->customer_en, "en");
	move(f, id, TS_RESOLVED, T0);
	assert_int_equal(due(f, SURVEY_RESOLUTION_JOB, id), T0);
	assert_int_equal(wiring_survey_resolution(f->db, id, T0, &err), 0);
	assert_int_equal(wiring_survey_resolution(f->db, id, T0 + 1, &err), 0); /* idempotent */
	assert_int_equal(query_int(f, &q_n_inv, id), 1);
	token_of_ticket(f, id, tok);

	static const struct {
		const char *body, *key, *field;
	} bad[] = {
		{ "{\"csat\":6}", "range", "csat" },
		{ "{\"csat\":0}", "range", "csat" },
		{ "{\"nps\":11}", "range", "nps" },
		{ "{\"nps\":-1}", "range", "nps" },
		{ "{\"ces\":8}", "range", "ces" },
		{ "{\"ces\":\"7\"}", "type", "ces" },
		{ "{\"csat\":4.5}", "type", "csat" },
		{ "{}", "survey_empty", "csat" },
		{ "{\"comment\":\"only words\"}", "survey_empty", "csat" },
		{ "{\"csat\":5,\"mood\":1}", "unknown_field", "mood" },
		{ "{\"csat\":5,\"servqual\":{\"empathy\":{\"expectation\":5,\"perception\":5}}}", "invalid",
		  "servqual" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kf_error e = KF_ERROR_INIT;
		if (submit(f, tok, bad[i].body, T0 + 5, &e) != KF_EINVAL)
			fail_msg("%s accepted", bad[i].body);
		if (strcmp(e.key, bad[i].key) != 0 || strcmp(e.field, bad[i].field) != 0)
			fail_msg("%s: %s/%s, want %s/%s", bad[i].body, e.key, e.field, bad[i].key,
			         bad[i].field);
	}
	/* the refused answers used nothing up; the link is still open */
	assert_int_equal(survey_form(f->db, tok, T0 + 5, &form, &err), 0);
	assert_string_equal(json_string_value(json_object_get(form, "language")), "en");
	json_decref(form);
	/* two days later it has expired */
	assert_int_equal(survey_form(f->db, tok, T0 + 2 * DAY, &form, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "survey_expired");
	assert_int_equal(submit(f, tok, "{\"csat\":5}", T0 + 2 * DAY, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "survey_expired");
}

/* The number of messages on ticket id. */
static size_t message_count(struct fixture *f, int64_t id)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	int64_t last = 0;
	assert_int_equal(message_list(f->db, id, 0, 50, &items, &last, &err), 0);
	size_t n = json_array_size(items);
	json_decref(items);
	return n;
}

/* survey_ticket_invite in a transaction of its own, as the job runs it. */
static int invite_tx(struct fixture *f, const struct survey_ticket *s, int64_t at, char *post, size_t n)
{
	struct kf_error err = KF_ERROR_INIT;
	int rc = db_begin(f->db, &err);
	if (rc == 0)
		rc = db_finish(f->db, survey_ticket_invite(f->db, s, at, post, n, &err), &err);
	return rc;
}

/*
 * quality/ posts nothing on a ticket itself: survey_ticket_invite makes the
 * invitation from a plain struct and hands back the message with the link,
 * which opens the survey; a ticket not resolved or closed gets nothing.
 */
static void test_invite_returns_the_post(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	char post[SURVEY_POST_MAX], tok[TOKEN_TEXT_MAX], num[24];
	json_t *form = NULL;
	int64_t id = new_ticket(f, "inquiry", f->customer_en, "en");
	size_t before = message_count(f, id);
	struct survey_ticket s = { .id = id,
		                   .customer_id = f->customer_en,
		                   .type = "inquiry",
		                   .language = "en",
		                   .subject = "parcel damaged",
		                   .settled = 0 };
	assert_int_equal(invite_tx(f, &s, T0, post, sizeof(post)), 0);
	assert_string_equal(post, "");
	assert_int_equal(query_int(f, &q_n_inv, id), 0);
	s.settled = 1;
	assert_int_equal(invite_tx(f, &s, T0, post, sizeof(post)), 0);
	assert_int_equal(query_int(f, &q_n_inv, id), 1);
	assert_int_equal(message_count(f, id), before); /* nothing posted by quality/ */
	ticket_number(id, num, sizeof(num));
	assert_non_null(strstr(post, num));
	assert_non_null(strstr(post, "Please take a minute"));
	const char *p = strstr(post, "/survey/");
	assert_non_null(p);
	p += strlen("/survey/");
	snprintf(tok, sizeof(tok), "%.*s",
	         (int)strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), p);
	assert_int_equal(strlen(tok), 43);
	assert_int_equal(survey_form(f->db, tok, T0 + 1, &form, &err), 0);
	assert_string_equal(json_string_value(json_object_get(form, "ticket_number")), num);
	json_decref(form);
	/* once per ticket */
	assert_int_equal(invite_tx(f, &s, T0 + 2, post, sizeof(post)), 0);
	assert_string_equal(post, "");
	assert_int_equal(query_int(f, &q_n_inv, id), 1);
}

static void test_no_survey(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t care = new_ticket(f, "care", f->customer, "zh");
	int64_t anon = new_ticket(f, "inquiry", 0, "zh");
	move(f, care, TS_RESOLVED, T0);
	move(f, anon, TS_RESOLVED, T0);
	assert_int_equal(due(f, SURVEY_RESOLUTION_JOB, care), 0);
	assert_int_equal(due(f, SURVEY_RESOLUTION_JOB, anon), 0);
	/* a ticket reopened before the job runs gets nothing then */
	int64_t id = new_ticket(f, "inquiry", f->customer, "zh");
	move(f, id, TS_RESOLVED, T0);
	move(f, id, TS_OPEN, T0 + 60);
	assert_int_equal(wiring_survey_resolution(f->db, id, T0 + HOUR, &err), 0);
	assert_int_equal(query_int(f, &q_n_inv, id), 0);
	assert_int_equal(wiring_survey_resolution(f->db, 999999, T0 + HOUR, &err), 0);
}

static int64_t new_shipment(struct fixture *f, int64_t order, const char *number)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id = 0;
	if (db_query_int(f->db, &q_shipment,
	                 DB_ARGS(db_int(order), db_int(f->customer), db_text(number), db_int(T0)), &id,
	                 &err) < 0)
		fail_msg("shipment: %s", err.message);
	return id;
}

static void deliver(struct fixture *f, int64_t shipment, int64_t at)
{
	struct kf_error err = KF_ERROR_INIT;
	struct tracking_event_in ev = { at, "delivered", "杭州", "签收", "api" };
	int added = 0;
	if (shipment_add_event(f->db, at, shipment, &ev, &added, &err) < 0)
		fail_msg("deliver: %s", err.message);
	assert_int_equal(added, 1);
}

static void test_delivery_survey(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	char tok[TOKEN_TEXT_MAX], tok2[TOKEN_TEXT_MAX];
	int64_t order = 0, exp = 0;
	json_t *items = NULL, *form = NULL;
	assert_int_equal(db_query_int(f->db, &q_order,
	                              DB_ARGS(db_text("SO-1001"), db_int(f->customer), db_int(T0)), &order,
	                              &err),
	                 0);
	int64_t s1 = new_shipment(f, order, "SF1001"), s2 = new_shipment(f, order, "SF1002");
	deliver(f, s1, T0 + DAY);
	assert_int_equal(due(f, SURVEY_DELIVERY_JOB, order), 0); /* one parcel still on its way */
	deliver(f, s2, T0 + 2 * DAY);
	assert_int_equal(due(f, SURVEY_DELIVERY_JOB, order), T0 + 3 * DAY);
	assert_true(scheduler_tick(f->store, T0 + 3 * DAY) >= 1);
	assert_int_equal(query_int(f, &q_n_inv_order, order), 1);
	assert_int_equal(query_int(f, &q_timeline, f->customer), 1);

	/* the owner sees it in the portal; anybody else does not */
	int64_t now = T0 + 3 * DAY + 60;
	assert_int_equal(survey_portal_list(f->db, f->customer, now, &items, &err), 0);
	assert_int_equal(json_array_size(items), 1);
	json_t *it = json_array_get(items, 0);
	int64_t inv = json_integer_value(json_object_get(it, "id"));
	assert_string_equal(json_string_value(json_object_get(it, "order_number")), "SO-1001");
	assert_string_equal(json_string_value(json_object_get(it, "kind")), "delivery");
	json_decref(items);
	assert_int_equal(survey_portal_list(f->db, f->customer_en, now, &items, &err), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	assert_int_equal(survey_relink(f->db, f->customer_en, inv, now, tok, &exp, &err), KF_ENOTFOUND);

	/* a link for the owner; a second one replaces it */
	assert_int_equal(survey_relink(f->db, f->customer, inv, now, tok, &exp, &err), 0);
	assert_int_equal(exp, T0 + 3 * DAY + 14 * DAY);
	assert_int_equal(survey_relink(f->db, f->customer, inv, now, tok2, &exp, &err), 0);
	assert_string_not_equal(tok, tok2);
	assert_int_equal(survey_form(f->db, tok, now, &form, &err), KF_ENOTFOUND);
	assert_int_equal(survey_form(f->db, tok2, now, &form, &err), 0);
	assert_string_equal(json_string_value(json_object_get(form, "order_number")), "SO-1001");
	assert_int_equal(json_array_size(json_object_get(form, "servqual_dimensions")), 5);
	json_decref(form);

	struct kf_error e = KF_ERROR_INIT;
	assert_int_equal(submit(f, tok2, "{\"servqual\":{\"empathy\":{\"expectation\":5}}}", now, &e),
	                 KF_EINVAL);
	assert_string_equal(e.field, "servqual.empathy.perception");
	assert_int_equal(
	        submit(f, tok2, "{\"servqual\":{\"empathy\":{\"expectation\":5,\"perception\":9}}}", now, &e),
	        KF_EINVAL);
	assert_string_equal(e.field, "servqual.empathy.perception");
	assert_int_equal(submit(f, tok2, "{\"servqual\":{\"kindness\":{\"expectation\":5,\"perception\":5}}}",
	                        now, &e),
	                 KF_EINVAL);
	assert_int_equal(submit(f, tok2,
	                        "{\"csat\":4,\"servqual\":{\"reliability\":{\"expectation\":7,\"perception\":5},"
	                        "\"tangibles\":{\"expectation\":4,\"perception\":6}}}",
	                        now, &err),
	                 0);
	assert_int_equal(query_int(f, &q_servqual, order), 2);
	assert_int_equal(survey_relink(f->db, f->customer, inv, now, tok, &exp, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "survey_used");
	assert_int_equal(survey_portal_list(f->db, f->customer, now, &items, &err), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);

	/* the staff list, with its filters */
	struct survey_filter all = { 0, 0, NULL, 0, 0 }, resolution = { 0, 0, "resolution", 0, 0 };
	int64_t last = 0;
	assert_int_equal(survey_list(f->db, &all, 0, 50, &items, &last, &err), 0);
	assert_int_equal(json_array_size(items), 1);
	json_t *sq = json_object_get(json_array_get(items, 0), "servqual");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(sq, "reliability"), "perception")),
	                 5);
	json_decref(items);
	assert_int_equal(survey_list(f->db, &resolution, 0, 50, &items, &last, &err), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);

	/* history imported today: a delivery older than a survey's life gets none */
	int64_t old = 0;
	assert_int_equal(db_query_int(f->db, &q_order,
	                              DB_ARGS(db_text("SO-0001"), db_int(f->customer), db_int(T0 - 400 * DAY)),
	                              &old, &err),
	                 0);
	deliver(f, new_shipment(f, old, "SF0001"), T0 - 390 * DAY);
	assert_int_equal(survey_job_delivery(f->db, old, T0 + DAY, &err), 0);
	assert_int_equal(query_int(f, &q_n_inv_order, old), 0);
}

static struct db_sql q_inv_row = DB_SQL(
        "INSERT INTO survey_invitations (kind, customer_id, agent_id, team_id, token_hash, sent_at, expires_at,"
        " responded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
static struct db_sql q_resp_row = DB_SQL(
        "INSERT INTO survey_responses (invitation_id, kind, customer_id, agent_id, team_id, csat, nps, ces,"
        " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id");
static struct db_sql q_sq_row = DB_SQL(
        "INSERT INTO survey_servqual (response_id, dimension, expectation, perception) VALUES ($1, $2, $3, $4)");

/* An invitation sent at `at` (answered at `answered`, 0 = not) with its response's scores (-1 = skipped). */
static int64_t put_survey(struct fixture *f, const char *kind, int64_t at, int64_t answered, int csat,
                          int nps, int ces)
{
	static int seq;
	struct kf_error err = KF_ERROR_INIT;
	char hash[32];
	int64_t inv = 0, resp = 0;
	snprintf(hash, sizeof(hash), "h%d", ++seq);
	if (db_query_int(f->db, &q_inv_row,
	                 DB_ARGS(db_text(kind), db_int(f->customer), db_int(f->agent), db_int(f->team),
	                         db_text(hash), db_int(at), db_int(at + 14 * DAY),
	                         answered ? db_int(answered) : db_null()),
	                 &inv, &err) < 0)
		fail_msg("invitation: %s", err.message);
	if (!answered)
		return 0;
	if (db_query_int(f->db, &q_resp_row,
	                 DB_ARGS(db_int(inv), db_text(kind), db_int(f->customer), db_int(f->agent),
	                         db_int(f->team), csat < 0 ? db_null() : db_int(csat),
	                         nps < 0 ? db_null() : db_int(nps), ces < 0 ? db_null() : db_int(ces),
	                         db_int(answered)),
	                 &resp, &err) < 0)
		fail_msg("response: %s", err.message);
	return resp;
}

static void put_pair(struct fixture *f, int64_t resp, const char *dim, int e, int p)
{
	struct kf_error err = KF_ERROR_INIT;
	if (db_exec(f->db, &q_sq_row, DB_ARGS(db_int(resp), db_text(dim), db_int(e), db_int(p)), &err) < 0)
		fail_msg("servqual: %s", err.message);
}

static void run_report(struct fixture *f, const char *name, const char *by, const char *weights,
                       struct report_table *t)
{
	struct kf_error err = KF_ERROR_INIT;
	const struct report_def *def = report_find(name);
	struct report_params p = {
		.from = T0 - DAY, .to = T0 + 30 * DAY, .now = T0 + 30 * DAY, .by = by, .tz = "Asia/Shanghai"
	};
	if (weights) {
		p.nopts = 1;
		p.opt_key[0] = "weights";
		p.opt_val[0] = weights;
	}
	assert_non_null(def);
	assert_string_equal(def->perm, "report.read");
	assert_int_equal(report_check_params(def, &p, &err), 0);
	if (def->run(f->db, &p, t, &err) < 0)
		fail_msg("report %s by %s: %s", name, by, err.message);
}

static const struct report_cell *cellk(const struct report_table *t, size_t row, const char *key)
{
	int c = report_col_index(t, key);
	assert_true(c >= 0);
	return report_cell(t, row, (size_t)c);
}

static void assert_num(const struct report_table *t, size_t row, const char *key, double want)
{
	const struct report_cell *c = cellk(t, row, key);
	if (c->null || c->d < want - 1e-9 || c->d > want + 1e-9)
		fail_msg("row %zu %s = %s%g, want %g", row, key, c->null ? "null " : "", c->d, want);
}

static void test_reports(void **state)
{
	struct fixture *f = *state;
	struct report_table t;
	/* 2026-09-21 15:00 UTC is 23:00 in Shanghai; +2 h is the next local day */
	int64_t day1 = 1790002800 - 1790002800 % DAY + 15 * HOUR;
	put_survey(f, "resolution", day1, day1 + HOUR, 5, 10, 7);
	put_survey(f, "resolution", day1, day1 + 2 * HOUR, 3, 6, 4);
	put_survey(f, "resolution", day1, 0, 0, 0, 0);
	put_survey(f, "resolution", day1 + 2 * HOUR, 0, 0, 0, 0);
	int64_t r3 = put_survey(f, "delivery", day1 + 2 * HOUR, day1 + 3 * HOUR, 4, 8, SURVEY_SKIPPED);
	put_pair(f, r3, "reliability", 7, 5);
	put_pair(f, r3, "tangibles", 4, 6);

	run_report(f, "surveys", "kind", NULL, &t);
	assert_int_equal(t.nrows, 3); /* delivery, resolution, total */
	assert_string_equal(cellk(&t, 0, "key")->s, "delivery");
	assert_num(&t, 0, "invitations", 1);
	assert_num(&t, 0, "response_rate", 1.0);
	assert_num(&t, 0, "nps", 0.0);
	assert_num(&t, 0, "passives", 1);
	assert_true(cellk(&t, 0, "ces_mean")->null);
	assert_string_equal(t.drill[0], "/api/v1/surveys?from=1789913600&to=1792592000&kind=delivery");
	assert_string_equal(cellk(&t, 1, "key")->s, "resolution");
	assert_num(&t, 1, "invitations", 4);
	assert_num(&t, 1, "answered", 2);
	assert_num(&t, 1, "response_rate", 0.5);
	assert_num(&t, 1, "responses", 2);
	assert_num(&t, 1, "csat", 0.5);
	assert_num(&t, 1, "nps", 0.0);
	assert_num(&t, 1, "promoters", 1);
	assert_num(&t, 1, "detractors", 1);
	assert_num(&t, 1, "ces_mean", 5.5);
	assert_num(&t, 1, "ces_agree", 0.5);
	assert_string_equal(cellk(&t, 2, "key")->s, "total");
	assert_num(&t, 2, "invitations", 5);
	assert_num(&t, 2, "answered", 3);
	assert_num(&t, 2, "response_rate", 0.6);
	assert_num(&t, 2, "csat", 2.0 / 3.0);
	report_table_free(&t);

	run_report(f, "surveys", "day", NULL, &t); /* Shanghai days */
	assert_int_equal(t.nrows, 3);
	assert_string_equal(cellk(&t, 0, "key")->s, "2026-09-21");
	assert_num(&t, 0, "invitations", 3);
	assert_num(&t, 0, "responses", 0); /* the first answer came at midnight, local */
	assert_true(cellk(&t, 0, "csat")->null);
	assert_string_equal(cellk(&t, 1, "key")->s, "2026-09-22");
	assert_num(&t, 1, "invitations", 2);
	assert_num(&t, 1, "responses", 3);
	report_table_free(&t);

	run_report(f, "surveys", "agent", NULL, &t);
	assert_int_equal(t.nrows, 1); /* one agent: no total row */
	assert_string_equal(cellk(&t, 0, "key")->s, "王芳");
	assert_num(&t, 0, "responses", 3);
	report_table_free(&t);

	run_report(f, "surveys", "month", NULL, &t);
	assert_string_equal(cellk(&t, 0, "key")->s, "2026-09");
	report_table_free(&t);

	run_report(f, "servqual", "", "10,30,25,20,15", &t);
	assert_int_equal(t.nrows, 6); /* five dimensions and overall */
	assert_string_equal(cellk(&t, 0, "dimension")->s, "tangibles");
	assert_num(&t, 0, "gap", 2.0);
	assert_num(&t, 1, "expectation", 7.0);
	assert_num(&t, 1, "perception", 5.0);
	assert_num(&t, 1, "gap", -2.0);
	assert_num(&t, 1, "weight", 0.3);
	assert_true(cellk(&t, 2, "gap")->null);
	assert_string_equal(cellk(&t, 5, "dimension")->s, "overall");
	assert_num(&t, 5, "gap", 0.0);
	assert_num(&t, 5, "weighted_gap", (10.0 * 2 - 30.0 * 2) / 40.0);
	report_table_free(&t);

	struct kf_error err = KF_ERROR_INIT;
	struct report_params bad = { .by = "weekday", .tz = "UTC" };
	assert_int_equal(report_check_params(report_find("surveys"), &bad, &err), KF_EINVAL);
	struct report_params badw = {
		.by = "", .tz = "UTC", .nopts = 1, .opt_key = { "weights" }, .opt_val = { "1,2" }
	};
	assert_int_equal(report_find("servqual")->run(f->db, &badw, &t, &err), KF_EINVAL);
	assert_string_equal(err.field, "weights");
	report_table_free(&t);
}

static struct db_sql q_demo_digest = DB_SQL(
        "SELECT COUNT(*) * 1000000 + SUM(COALESCE(csat, 0)) * 1000 + SUM(COALESCE(nps, 0) + COALESCE(ces, 0))"
        " FROM survey_responses");
static struct db_sql q_demo_rate = DB_SQL(
        "SELECT 100 * COUNT(responded_at) / COUNT(*) FROM survey_invitations WHERE kind = $1");

/* The demo's surveys on this fixture's (empty but for setup) database: a digest of the answers. */
static int64_t demo_digest(struct fixture *f, uint64_t seed)
{
	struct kf_error err = KF_ERROR_INIT;
	struct demo_counts counts;
	struct demo_opts o = { .customers = 60, .seed = seed, .now = T0 };
	int64_t d = 0;
	/* the fixture made two customers: the demo wants an empty database, so start from another one */
	store_close(f->store);
	remove_dir(f->dir);
	if (f->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		pg_admin_exec(sql);
	}
	if (fresh_url(f) < 0 || open_store(f) < 0)
		fail_msg("fresh database");
	if (demo_generate(f->db, &tester, &o, &counts, &err) < 0)
		fail_msg("demo: %s", err.message);
	assert_int_equal(db_query_int(f->db, &q_demo_digest, DB_NOARGS, &d, &err), 0);
	return d;
}

static void test_demo_surveys(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct report_table t;
	int64_t a = demo_digest(f, 5), rate = 0;
	assert_true(a > 10 * 1000000); /* a few dozen answers at least */
	assert_int_equal(db_query_int(f->db, &q_demo_rate, DB_ARGS(db_text("resolution")), &rate, &err), 0);
	assert_in_range(rate, 20, 55);
	assert_int_equal(db_query_int(f->db, &q_demo_rate, DB_ARGS(db_text("delivery")), &rate, &err), 0);
	assert_in_range(rate, 8, 40);
	struct report_params p = { .from = T0 - 400 * DAY, .to = T0, .now = T0, .by = "kind", .tz = "UTC" };
	assert_int_equal(report_find("surveys")->run(f->db, &p, &t, &err), 0);
	assert_int_equal(t.nrows, 3);
	const struct report_cell *csat = report_cell(&t, 2, (size_t)report_col_index(&t, "csat"));
	assert_false(csat->null);
	assert_true(csat->d > 0.5 && csat->d < 0.95); /* mostly satisfied, not all */
	report_table_free(&t);
	assert_int_equal(demo_digest(f, 5), a);
	assert_int_not_equal(demo_digest(f, 6), a);
}

#define TESTS(setup_fn) \
	cmocka_unit_test_setup_teardown(test_resolution_survey, setup_fn, teardown), \
	        cmocka_unit_test_setup_teardown(test_expiry_and_fields, setup_fn, teardown), \
	        cmocka_unit_test_setup_teardown(test_no_survey, setup_fn, teardown), \
	        cmocka_unit_test_setup_teardown(test_invite_returns_the_post, setup_fn, teardown), \
	        cmocka_unit_test_setup_teardown(test_delivery_survey, setup_fn, teardown), \
	        cmocka_unit_test_setup_teardown(test_reports, setup_fn, teardown), \
	        cmocka_unit_test_setup_teardown(test_demo_surveys, setup_fn, teardown)

static int run_pg(void)
{
	const struct CMUnitTest tests[] = { TESTS(setup_pg) };
	pg_admin = PQconnectdb(pg_base_url);
	if (PQstatus(pg_admin) != CONNECTION_OK) {
		fprintf(stderr, "test_survey: cannot connect to KF_TEST_PG_URL: %s", PQerrorMessage(pg_admin));
		PQfinish(pg_admin);
		return 1;
	}
	PQclear(PQexec(pg_admin, "SET client_min_messages = warning"));
	int failed = cmocka_run_group_tests_name("survey/postgres", tests, NULL, NULL);
	PQfinish(pg_admin);
	return failed;
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest tests[] = { TESTS(setup) };
	int failed = cmocka_run_group_tests_name("survey/sqlite", tests, NULL, NULL);
	pg_base_url = getenv("KF_TEST_PG_URL");
	if (pg_base_url && *pg_base_url)
		failed += run_pg();
	else
		printf("test_survey: PG part not run because KF_TEST_PG_URL is unset (scripts/with-pg.sh sets it)\n");
	return failed;
}
