/*
 * test_scheduler.c - jobs/scheduler.c over a temporary SQLite store: the
 * SLA warning and breach jobs (escalation to the team's manager, once),
 * a restart that loses no job, the follow-up (回访) of a complaint and
 * its not_satisfied outcome, the daily care job (birthdays) run twice.
 * The same tests run against PostgreSQL (a schema per test) when
 * KF_TEST_PG_URL is set (scripts/with-pg.sh sets it).
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
#include "auth/user.h"
#include "base/json.h"
#include "base/tz.h"
#include "crm/customer.h"
#include "desk/calendar_store.h"
#include "desk/desk_settings.h"
#include "desk/team.h"
#include "pricing/contract_rate.h"
#include "pricing/price_policy.h"
#include "pricing/quote_store.h"
#include "desk/followup.h"
#include "desk/sla_clock.h"
#include "desk/ticket.h"
#include "jobs/job.h"
#include "jobs/scheduler.h"
#include "store/db.h"
#include "base/banned.h"

static const char *pg_base_url; /* KF_TEST_PG_URL, or NULL */
static PGconn *pg_admin; /* creates and drops the per-test schemas */

struct fixture {
	int pg; /* 1: PostgreSQL, 0: SQLite */
	char dir[64];
	char schema[64]; /* PostgreSQL: the test's schema */
	char url[1024];
	struct store *store;
	struct db *db;
	int64_t manager; /* users.id of the team's manager */
	int64_t team;
};

static const struct actor tester = { "cli", 0, "test", NULL, NULL };

/* Shanghai wall clock in 2026 -> UTC. */
static int64_t sh(int m, int d, int h, int mi)
{
	return tz_days_from_civil(2026, m, d) * 86400 + h * 3600 + mi * 60 - 8 * 3600;
}

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

/* A fresh database: a temporary SQLite file, or a new PostgreSQL schema. */
static int fresh_url(struct fixture *f)
{
	static int seq;
	char sql[128];
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-sched-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (!f->pg) {
		snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
		return 0;
	}
	snprintf(f->schema, sizeof(f->schema), "kfu_sched_%d_%d", (int)getpid(), ++seq);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
	if (strncmp(pg_base_url, "postgres", 8) == 0)
		snprintf(f->url, sizeof(f->url), "%s%coptions=-csearch_path%%3D%s", pg_base_url,
		         strchr(pg_base_url, '?') ? '&' : '?', f->schema);
	else
		snprintf(f->url, sizeof(f->url), "%s options='-csearch_path=%s'", pg_base_url, f->schema);
	return pg_admin_exec(sql);
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
	if (user_create(f->db, &tester, sh(11, 1, 0, 0), "boss", "Boss", ROLE_MANAGER, "a-long-password-1",
	                &u, &err) < 0)
		return -1;
	f->manager = u.id;
	struct team_input in = { .present = TEAM_HAS_NAME | TEAM_HAS_MANAGER,
		                 .name = "售后组",
		                 .manager_id = u.id };
	int rc = team_create(f->db, &tester, sh(11, 1, 0, 0), &in, &f->team, &err);
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

static struct db_sql q_count_notes = DB_SQL(
        "SELECT COUNT(*) FROM notifications WHERE ticket_id = $1 AND kind = $2");
static struct db_sql q_count_events = DB_SQL(
        "SELECT COUNT(*) FROM ticket_events WHERE ticket_id = $1 AND action = $2");
static struct db_sql q_state = DB_SQL("SELECT state FROM tickets WHERE id = $1");
static struct db_sql q_force_resolved = DB_SQL("UPDATE tickets SET state = 'resolved' WHERE id = $1");
static struct db_sql q_followup_ticket = DB_SQL(
        "SELECT COALESCE(ticket_id, 0) FROM followups WHERE complaint_id = $1");
static struct db_sql q_customer = DB_SQL(
        "INSERT INTO customers (name, tier, birthday, created_at, updated_at) VALUES ($1, 'A', $2, 0, 0) RETURNING id");
static struct db_sql q_care = DB_SQL("SELECT COUNT(*) FROM tickets WHERE type = 'care' AND customer_id = $1");

static int64_t count(struct db *db, struct db_sql *q, int64_t id, const char *what)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t n = -1;
	assert_int_equal(db_query_int(db, q, DB_ARGS(db_int(id), db_text(what)), &n, &err), 0);
	return n;
}

static int64_t new_ticket(struct fixture *f, const char *type, int64_t at)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	struct ticket_new in = { .type = type, .subject = "包裹破损", .team_id = f->team };
	if (ticket_create(f->db, &tester, at, &in, &t, &err) < 0)
		fail_msg("ticket_create: %s", err.message);
	return t.id;
}

static int64_t due(struct db *db, const char *kind, int64_t ref)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t at = 0;
	return job_due(db, kind, ref, &at, &err) == 0 ? at : 0;
}

static void test_sla_jobs(void **state)
{
	struct fixture *f = *state;
	int64_t id = new_ticket(f, "inquiry", sh(11, 24, 10, 0)); /* Tue 10:00: the sunset is 18:00 */
	assert_int_equal(due(f->db, "sla_warn", id), sh(11, 24, 16, 24));
	assert_int_equal(due(f->db, "sla_breach", id), sh(11, 24, 18, 0));

	assert_true(scheduler_tick(f->store, sh(11, 24, 16, 0)) >= 0);
	assert_int_equal(count(f->db, &q_count_notes, id, "sla_warning"), 0); /* not yet */
	assert_true(scheduler_tick(f->store, sh(11, 24, 16, 30)) >= 1);
	assert_int_equal(count(f->db, &q_count_notes, id, "sla_warning"), 1); /* to the manager: no assignee */
	/* next: the resolution warning, 80 % of 5 business days = 36 h after Tue 10:00 */
	assert_int_equal(due(f->db, "sla_warn", id), sh(11, 30, 10, 0));

	assert_true(scheduler_tick(f->store, sh(11, 24, 18, 1)) >= 1);
	assert_int_equal(count(f->db, &q_count_events, id, "sla.breach"), 1);
	assert_int_equal(count(f->db, &q_count_notes, id, "escalation"), 1);

	/* the same job again (a crash after the run, before the finish) changes nothing */
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(sla_job_breach(f->db, id, sh(11, 24, 18, 2), &err), 0);
	assert_int_equal(sla_job_warn(f->db, id, sh(11, 24, 18, 2), &err), 0);
	assert_int_equal(count(f->db, &q_count_events, id, "sla.breach"), 1);
	assert_int_equal(count(f->db, &q_count_notes, id, "escalation"), 1);
	assert_int_equal(count(f->db, &q_count_notes, id, "sla_warning"), 1);

	/* the resolution clock is next: pending across a restart */
	int64_t next = due(f->db, "sla_breach", id);
	assert_true(next > sh(11, 24, 18, 0));
	store_close(f->store);
	assert_int_equal(open_store(f), 0);
	assert_int_equal(due(f->db, "sla_breach", id), next);
	assert_true(scheduler_tick(f->store, next) >= 1);
	assert_int_equal(count(f->db, &q_count_events, id, "sla.breach"), 2);
	assert_int_equal(due(f->db, "sla_breach", id), 0); /* nothing left to watch */

	json_t *j = NULL;
	assert_int_equal(sla_clock_json(f->db, id, next, &j, &err), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "first_response"), "status")),
	                    "breached");
	json_decref(j);
}

static void test_followup(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t id = new_ticket(f, "complaint", sh(11, 25, 10, 0)), fid = 0;
	assert_int_equal(db_exec(f->db, &q_force_resolved, DB_ARGS(db_int(id)), &err), 1);
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(followup_on_resolved(f->db, id, sh(11, 26, 15, 0), &err), 0); /* Thu afternoon */
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_int_equal(db_query_int(f->db, &q_followup_ticket, DB_ARGS(db_int(id)), &fid, &err), 0);
	assert_int_equal(fid, 0);

	/* two business days after Thursday: Monday 09:00 */
	assert_true(scheduler_tick(f->store, sh(11, 30, 8, 59)) >= 0);
	assert_int_equal(db_query_int(f->db, &q_followup_ticket, DB_ARGS(db_int(id)), &fid, &err), 0);
	assert_int_equal(fid, 0);
	assert_true(scheduler_tick(f->store, sh(11, 30, 9, 0)) >= 1);
	assert_int_equal(db_query_int(f->db, &q_followup_ticket, DB_ARGS(db_int(id)), &fid, &err), 0);
	assert_true(fid > 0);
	struct ticket t;
	assert_int_equal(ticket_get(f->db, fid, &t, &err), 0);
	assert_string_equal(t.type, "follow_up");

	json_t *out = NULL;
	assert_int_equal(followup_outcome(f->db, &tester, sh(11, 30, 10, 0), fid, "not_satisfied", "还是坏的",
	                                  &out, &err),
	                 0);
	assert_string_equal(json_string_value(json_object_get(out, "outcome")), "not_satisfied");
	json_decref(out);
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &q_state, DB_ARGS(db_int(id)), &r, &err), 0);
	assert_int_equal(db_next(r, &err), 1);
	assert_string_equal(db_col_text(r, 0), "open"); /* not satisfied: the complaint is reopened */
	db_done(r);
	assert_int_equal(followup_outcome(f->db, &tester, sh(11, 30, 10, 0), fid, "satisfied", NULL, &out, &err),
	                 KF_ECONFLICT);
	assert_int_equal(followup_outcome(f->db, &tester, sh(11, 30, 10, 0), id, "satisfied", NULL, &out, &err),
	                 KF_ENOTFOUND);
}

static void test_care(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t now = sh(12, 3, 8, 0), c1 = 0, c2 = 0, n = 0;
	assert_int_equal(db_query_int(f->db, &q_customer, DB_ARGS(db_text("王女士"), db_text("1985-12-03")),
	                              &c1, &err),
	                 0);
	assert_int_equal(
	        db_query_int(f->db, &q_customer, DB_ARGS(db_text("李先生"), db_text("12-04")), &c2, &err), 0);
	assert_int_equal(scheduler_seed(f->store, now, &err), 0);
	assert_true(scheduler_tick(f->store, now) >= 2); /* care_daily and idem_prune */
	assert_int_equal(db_query_int(f->db, &q_care, DB_ARGS(db_int(c1)), &n, &err), 0);
	assert_int_equal(n, 1); /* her birthday is today in Shanghai */
	assert_int_equal(db_query_int(f->db, &q_care, DB_ARGS(db_int(c2)), &n, &err), 0);
	assert_int_equal(n, 0);
	/* the next run is tomorrow 08:00 local; running today again opens nothing new */
	assert_int_equal(due(f->db, "care_daily", 0), sh(12, 4, 8, 0));
	assert_int_equal(due(f->db, "idem_prune", 0), now + 86400);
	assert_int_equal(care_job_daily(f->db, now + 60, &err), 0);
	assert_int_equal(db_query_int(f->db, &q_care, DB_ARGS(db_int(c1)), &n, &err), 0);
	assert_int_equal(n, 1);
	/* tomorrow it is his turn */
	assert_true(scheduler_tick(f->store, sh(12, 4, 8, 0)) >= 1);
	assert_int_equal(db_query_int(f->db, &q_care, DB_ARGS(db_int(c2)), &n, &err), 0);
	assert_int_equal(n, 1);
}

static struct db_sql q_old_order = DB_SQL(
        "INSERT INTO orders (number, customer_id, status, placed_at, created_at, updated_at)"
        " VALUES ($1, $2, 'completed', $3, $3, $3)");
static struct db_sql q_winbacks = DB_SQL(
        "SELECT COUNT(*) FROM tickets WHERE type = 'care' AND customer_id = $1 AND subject LIKE '%Win-back%'");
static struct db_sql q_care_team_new = DB_SQL(
        "INSERT INTO teams (name, created_at, updated_at) VALUES ('客户关怀 Care', 0, 0) RETURNING id");
static struct db_sql q_care_team_set = DB_SQL(
        "INSERT INTO desk_settings (key, value) VALUES ('care_team_id', $1)");
static struct db_sql q_care_team_of = DB_SQL(
        "SELECT team_id FROM tickets WHERE type = 'care' AND customer_id = $1");

/*
 * A lapsed customer gets one win-back, in the care team of the settings;
 * while it is open no second one, however often the job runs.
 */
static void test_winback_once(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t now = sh(12, 3, 8, 0), c = 0, n = 0, care = 0;
	assert_int_equal(db_query_int(f->db, &q_care_team_new, DB_NOARGS, &care, &err), 0);
	assert_int_equal(
	        db_query_int(f->db, &q_customer, DB_ARGS(db_text("赵先生"), db_text("03-15")), &c, &err), 0);
	assert_int_equal(db_exec(f->db, &q_old_order,
	                         DB_ARGS(db_text("WB-1"), db_int(c), db_int(now - 120 * 86400)), &err),
	                 1);
	assert_int_equal(db_exec(f->db, &q_care_team_set, DB_ARGS(db_int(care)), &err), 1);
	assert_int_equal(care_job_daily(f->db, now, &err), 0);
	assert_int_equal(care_job_daily(f->db, now + 60, &err), 0);
	assert_int_equal(db_query_int(f->db, &q_winbacks, DB_ARGS(db_int(c)), &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(f->db, &q_care_team_of, DB_ARGS(db_int(c)), &n, &err), 0);
	assert_int_equal(n, care); /* the care team of the settings, not the first team */
	/* the next day, and past the win-back interval, the first is still open: nothing new */
	assert_int_equal(care_job_daily(f->db, now + 86400, &err), 0);
	assert_int_equal(care_job_daily(f->db, now + 91 * 86400, &err), 0);
	assert_int_equal(care_job_daily(f->db, now + 91 * 86400 + 60, &err), 0);
	assert_int_equal(db_query_int(f->db, &q_winbacks, DB_ARGS(db_int(c)), &n, &err), 0);
	assert_int_equal(n, 1);
}

/* The calendar and settings writes take plain structs and check them again (no JSON on the way). */
static void test_calendar_settings_structs(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct calendar_input in = { .present = CALENDAR_HAS_TIME_ZONE, .time_zone = "Asia/Shanghai" };
	int64_t id = 0;
	assert_int_equal(calendar_store_create(f->db, &tester, sh(11, 2, 0, 0), &in, &id, &err), KF_EINVAL);
	assert_string_equal(err.key, "required");
	assert_string_equal(err.field, "name");
	in.present |= CALENDAR_HAS_NAME | CALENDAR_HAS_HOURS;
	in.name = "夜班";
	assert_int_equal(calendar_store_create(f->db, &tester, sh(11, 2, 0, 0), &in, &id, &err), KF_EINVAL);
	assert_string_equal(err.key, "no_business_hours");
	in.week[6] = (struct calendar_day){ 1, { { 20 * 60, 24 * 60 } } };
	assert_int_equal(calendar_store_create(f->db, &tester, sh(11, 2, 0, 0), &in, &id, &err), 0);
	struct calendar *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(calendar_store_load(f->db, id, c, &err), 0);
	assert_int_equal(c->week[6].n, 1);
	assert_int_equal(c->week[6].iv[0].start_min, 20 * 60);
	assert_int_equal(c->week[1].n, 0);
	free(c);
	struct calendar_input bad_zone = { .present = CALENDAR_HAS_TIME_ZONE, .time_zone = "Mars/Base" };
	assert_int_equal(calendar_store_update(f->db, &tester, sh(11, 2, 0, 0), id, 1, &bad_zone, &err),
	                 KF_EINVAL);
	assert_string_equal(err.field, "time_zone");
	struct desk_settings_input st = { .present = DESK_SETTINGS_HAS_WINBACK, .winback_days = 0 };
	assert_int_equal(desk_settings_put(f->db, &tester, sh(11, 2, 0, 0), &st, &err), KF_EINVAL);
	assert_string_equal(err.key, "range");
	assert_string_equal(err.field, "winback_days");
	st = (struct desk_settings_input){ .present = DESK_SETTINGS_HAS_CALENDAR,
		                           .default_calendar_id = id + 100 };
	assert_int_equal(desk_settings_put(f->db, &tester, sh(11, 2, 0, 0), &st, &err), KF_EINVAL);
	assert_string_equal(err.key, "unknown");
	st = (struct desk_settings_input){ .present = DESK_SETTINGS_HAS_CALENDAR | DESK_SETTINGS_HAS_WINBACK,
		                           .winback_days = 30,
		                           .default_calendar_id = id };
	assert_int_equal(desk_settings_put(f->db, &tester, sh(11, 2, 0, 0), &st, &err), 0);
	assert_int_equal(desk_settings_get(f->db, "default_calendar_id", 1), id);
	assert_int_equal(desk_settings_get(f->db, "winback_days", 90), 30);
	assert_int_equal(desk_settings_get(f->db, "followup_days", 2), 2);
}

/* A quote request as a struct (the CLI's way): the store checks it as the API checks the body. */
static void test_quote_request_struct(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = tester;
	json_t *out = NULL;
	struct quote_request *in = calloc(1, sizeof(*in));
	assert_non_null(in);
	in->req.quantity = 1;
	in->req.distance_km = -1;
	in->req.weight_g = 1000;
	assert_int_equal(quote_store_price(f->db, &a, sh(11, 2, 0, 0), in, 0, &out, &err), KF_EINVAL);
	assert_string_equal(err.key, "required");
	assert_string_equal(err.field, "card_id");
	in->card_id = 7;
	in->req.weight_g = QUOTE_WEIGHT_UNSET;
	assert_int_equal(quote_store_price(f->db, &a, sh(11, 2, 0, 0), in, 0, &out, &err), KF_EINVAL);
	assert_string_equal(err.key, "required");
	assert_string_equal(err.field, "weight_g");
	in->req.weight_g = 1000;
	in->req.quantity = 0;
	assert_int_equal(quote_store_price(f->db, &a, sh(11, 2, 0, 0), in, 0, &out, &err), KF_EINVAL);
	assert_string_equal(err.key, "range");
	assert_string_equal(err.field, "quantity");
	in->req.quantity = 1;
	in->req.region = "0123456789012345678901234567890123456789012345678901234567890123456789";
	assert_int_equal(quote_store_price(f->db, &a, sh(11, 2, 0, 0), in, 0, &out, &err), KF_EINVAL);
	assert_string_equal(err.key, "too_long");
	assert_string_equal(err.field, "region");
	in->req.region = NULL;
	in->ticket_id = -1;
	assert_int_equal(quote_store_price(f->db, &a, sh(11, 2, 0, 0), in, 0, &out, &err), KF_EINVAL);
	assert_string_equal(err.field, "ticket_id");
	assert_null(out);
	free(in);
	struct contract_rate_input rate = { .freight_bp = 20000, .note = NULL };
	assert_int_equal(contract_rate_put(f->db, &a, sh(11, 2, 0, 0), 1, &rate, &out, &err), KF_EINVAL);
	assert_string_equal(err.key, "range");
	assert_string_equal(err.field, "freight_bp");
	assert_null(out);
}

/* A create's identities, addresses, preferences and tags as structs: the store checks each. */
static void test_customer_extras_struct(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct customer_fields cf = CUSTOMER_FIELDS_INIT;
	struct customer c;
	cf.name = "王芳";
	struct customer_identity_input ids[] = { { "phone", "138 0013 8000" }, { "email", "not-an-email" } };
	struct customer_address *addr = calloc(1, sizeof(*addr));
	assert_non_null(addr);
	struct customer_extras x = { .nidentities = 2, .identities = ids, .naddresses = 1, .addresses = addr };
	assert_int_equal(customer_create(f->db, &tester, sh(11, 2, 0, 0), &cf, &x, &c, &err), KF_EINVAL);
	assert_string_equal(err.field, "identities[1].value");
	x.nidentities = 1;
	assert_int_equal(customer_create(f->db, &tester, sh(11, 2, 0, 0), &cf, &x, &c, &err), KF_EINVAL);
	assert_string_equal(err.key, "required");
	assert_string_equal(err.field, "addresses[0].line");
	snprintf(addr->line, sizeof(addr->line), "%s", "南京路 1 号");
	const char *tags[] = { "vip", NULL };
	x.ntags = 2;
	x.tags = tags;
	assert_int_equal(customer_create(f->db, &tester, sh(11, 2, 0, 0), &cf, &x, &c, &err), KF_EINVAL);
	assert_string_equal(err.field, "tags");
	x.ntags = 1;
	assert_int_equal(customer_create(f->db, &tester, sh(11, 2, 0, 0), &cf, &x, &c, &err), 0);
	json_t *out = NULL;
	assert_int_equal(customer_json(f->db, c.id, 0, &out, &err), 0);
	json_t *ident = json_array_get(json_object_get(out, "identities"), 0);
	assert_string_equal(json_string_value(json_object_get(ident, "value")), "13800138000");
	assert_int_equal(json_array_size(json_object_get(out, "addresses")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "tags"), 0)), "vip");
	json_decref(out);
	free(addr);
}

/* The price policy as a struct: checked again, stored as the document it was given as. */
static void test_price_policy_struct(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t version = 0;
	assert_int_equal(price_policy_get(f->db, &out, &version, &err), 0);
	json_decref(out);
	struct price_policy_input *in = calloc(1, sizeof(*in));
	assert_non_null(in);
	in->present = PRICE_POLICY_HAS_PROMOS;
	in->npromos = 1;
	in->promos[0] = (struct price_policy_promo_input){ "SALE", "2026-11-12T00:00:00+08:00",
		                                           "2026-11-11T00:00:00+08:00", 1000 };
	assert_int_equal(price_policy_put(f->db, &tester, sh(11, 2, 0, 0), version, in, &out, &err), KF_EINVAL);
	assert_string_equal(err.field, "promotions.end");
	in->promos[0].end = "2026-11-13T00:00:00+08:00";
	assert_int_equal(price_policy_put(f->db, &tester, sh(11, 2, 0, 0), version, in, &out, &err), 0);
	json_t *promo = json_array_get(json_object_get(out, "promotions"), 0);
	assert_string_equal(json_string_value(json_object_get(promo, "start")), "2026-11-12T00:00:00+08:00");
	assert_null(json_object_get(out, "pickup_allowance_bp"));
	assert_null(json_object_get(out, "tiers"));
	json_decref(out);
	struct quote_policy pol;
	assert_int_equal(price_policy_current(f->db, 0, &pol, &err), 0);
	assert_int_equal(pol.npromos, 1);
	assert_int_equal(pol.promos[0].start, sh(11, 12, 0, 0));
	assert_int_equal(pol.pickup_allowance_bp, 10000);
	free(in);
}

static int run_pg(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sla_jobs, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_followup, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_care, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_winback_once, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_calendar_settings_structs, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_quote_request_struct, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_customer_extras_struct, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_price_policy_struct, setup_pg, teardown),
	};
	pg_admin = PQconnectdb(pg_base_url);
	if (PQstatus(pg_admin) != CONNECTION_OK) {
		fprintf(stderr, "test_scheduler: cannot connect to KF_TEST_PG_URL: %s",
		        PQerrorMessage(pg_admin));
		PQfinish(pg_admin);
		return 1;
	}
	PQclear(PQexec(pg_admin, "SET client_min_messages = warning"));
	int failed = cmocka_run_group_tests_name("scheduler/postgres", tests, NULL, NULL);
	PQfinish(pg_admin);
	return failed;
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sla_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_followup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_care, setup, teardown),
		cmocka_unit_test_setup_teardown(test_winback_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calendar_settings_structs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_request_struct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_customer_extras_struct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_price_policy_struct, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("scheduler/sqlite", tests, NULL, NULL);
	pg_base_url = getenv("KF_TEST_PG_URL");
	if (pg_base_url && *pg_base_url)
		failed += run_pg();
	else
		printf("test_scheduler: PG part not run because KF_TEST_PG_URL is unset (scripts/with-pg.sh sets it)\n");
	return failed;
}
