/*
 * test_quality.c - the quality reports (analytics/quality.c and the
 * three-controls, staff and complaints reports) and improvement actions.
 *
 * Pure functions against worked examples (docs/metrics/quality.md); then
 * the reports against a small database made here, on SQLite and (with
 * KF_TEST_PG_URL) PostgreSQL, every expected number computed by hand in
 * the comments below; then the CFPB sample
 * (KF_DATA_DIR/support/cfpb_complaints_sample_6623.csv, default
 * tests/data) imported as complaint tickets, its Pareto counts
 * checked against counts made here straight from the CSV.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/wiring.h"
#include "analytics/quality.h"
#include "analytics/report.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/strmap.h"
#include "base/tz.h"
#include "analytics/improvement.h"
#include "store/db.h"

/*
 * The test period is March of f->year: 2001 for the first store test,
 * then 28 years later for each next one (the calendar repeats every 28
 * years), so tests sharing one PostgreSQL database never see each
 * other's rows.  D0 and NOW need a fixture f in scope.
 */
#define D0 (f->d0) /* March 1st, 00:00 UTC */
#define DAY 86400LL
#define LL(x) ((long long)(x))
#define NOW (D0 + 20 * DAY) /* "now" inside the period: some clocks are not due yet */

/* ---- pure ---------------------------------------------------------------- */

static void test_verdicts(void **state)
{
	(void)state;
	/* SLA clocks: due 100. */
	assert_int_equal(quality_clock(0, 0, 0, 500), QV_NOT_YET); /* no clock */
	assert_int_equal(quality_clock(100, 0, 0, 50), QV_NOT_YET); /* not due yet */
	assert_int_equal(quality_clock(100, 90, 0, 50), QV_MET); /* done early, before now */
	assert_int_equal(quality_clock(100, 100, 0, 500), QV_MET); /* done at due */
	assert_int_equal(quality_clock(100, 101, 0, 500), QV_MISSED); /* late */
	assert_int_equal(quality_clock(100, 0, 0, 100), QV_MISSED); /* due now, not done */
	assert_int_equal(quality_clock(100, 90, 95, 500), QV_MISSED); /* the scheduler said breached */
	/* Follow-ups: due 1000, grace 100. */
	assert_int_equal(quality_followup(1000, 1100, 100, 5000), QV_MET);
	assert_int_equal(quality_followup(1000, 1101, 100, 5000), QV_MISSED);
	assert_int_equal(quality_followup(1000, 0, 100, 1099), QV_NOT_YET);
	assert_int_equal(quality_followup(1000, 0, 100, 1100), QV_MISSED);
	/* Dissatisfaction: CSAT 1-2; without CSAT an NPS detractor (0-6). */
	assert_int_equal(quality_dissatisfied(1, -1), 1);
	assert_int_equal(quality_dissatisfied(2, 10), 1);
	assert_int_equal(quality_dissatisfied(3, 0), 0); /* CSAT decides when present */
	assert_int_equal(quality_dissatisfied(0, 6), 1);
	assert_int_equal(quality_dissatisfied(0, 7), 0);
	assert_int_equal(quality_dissatisfied(0, -1), -1);
	assert_int_equal(quality_closed_without_feedback(1, 1), 0);
	assert_int_equal(quality_closed_without_feedback(1, 0), 1);
	assert_int_equal(quality_closed_without_feedback(0, 1), 1);
}

/* metrics-and-methods.md §5.2: ten SKUs worth 50k, 25k, 10k, 5k, 3k, 2.5k, 2k, 1.5k, 0.6k, 0.4k;
 * cumulative 50, 75, 85, 90, 93, 95.5, 97.5, 99, 99.6, 100 %; the first 80 % is reached at the third. */
static void test_pareto(void **state)
{
	(void)state;
	const int64_t v[] = { 500, 250, 100, 50, 30, 25, 20, 15, 6, 4 };
	const double want[] = { .50, .75, .85, .90, .93, .955, .975, .99, .996, 1.0 };
	double share[10], cum[10];
	assert_int_equal(quality_pareto(v, 10, 0.8, share, cum), 3);
	for (int i = 0; i < 10; i++)
		assert_float_equal(cum[i], want[i], 1e-12);
	assert_float_equal(share[2], 0.10, 1e-12);
	assert_int_equal(quality_pareto(v, 10, 0.75, share, cum), 2); /* reaching the cut exactly counts */
	const int64_t zero[] = { 0, 0 };
	assert_int_equal(quality_pareto(zero, 2, 0.8, share, cum), 0);
	assert_float_equal(cum[1], 0.0, 0);
}

static void test_buckets(void **state)
{
	(void)state;
	const struct tz *sh = NULL, *utc = NULL;
	char key[32];
	int64_t order;
	assert_int_equal(tz_load("Asia/Shanghai", &sh, NULL), 0);
	assert_int_equal(tz_load("UTC", &utc, NULL), 0);
	/* 2024-03-03T20:00Z is Monday 2024-03-04 04:00 in Shanghai but Sunday in UTC. */
	int64_t t = 1709496000;
	assert_int_equal(quality_bucket("day", sh, t, key, sizeof(key), &order), 0);
	assert_string_equal(key, "2024-03-04");
	assert_int_equal(quality_bucket("week", sh, t, key, sizeof(key), &order), 0);
	assert_string_equal(key, "2024-03-04");
	assert_int_equal(quality_bucket("week", utc, t, key, sizeof(key), &order), 0);
	assert_string_equal(key, "2024-02-26"); /* ISO weeks start on Monday */
	assert_int_equal(quality_bucket("month", utc, t, key, sizeof(key), &order), 0);
	assert_string_equal(key, "2024-03");
	assert_int_equal(order, 2024 * 12 + 2);
	assert_int_equal(quality_bucket("team", utc, t, key, sizeof(key), &order), -1);
}

static void test_groups(void **state)
{
	(void)state;
	struct qgroups gs;
	qgroups_init(&gs);
	qgroups_get(&gs, "b", "B", 2, 5)->n[0] = 3;
	qgroups_get(&gs, "a", "A", 1, 9)->n[0] = 3;
	qgroups_get(&gs, "c", NULL, 0, 1)->n[0] = 7;
	assert_int_equal(gs.n, 3);
	assert_ptr_equal(qgroups_get(&gs, "a", "ignored", 0, 0), &gs.g[1]);
	qgroups_sort(&gs, 0);
	assert_string_equal(gs.g[0].key, "c");
	assert_string_equal(gs.g[0].name, "c");
	assert_string_equal(gs.g[1].key, "a"); /* ties by key */
	assert_ptr_equal(qgroups_get(&gs, "b", NULL, 0, 0), &gs.g[2]); /* the index follows the sort */
	qgroups_sort(&gs, -1);
	assert_string_equal(gs.g[0].key, "c");
	assert_string_equal(gs.g[2].key, "a");
	struct qvec v = { 0 };
	double mean, p50, p90;
	assert_int_equal(qvec_summary(&v, &mean, &p50, &p90), 0);
	qvec_add(&v, 3600);
	qvec_add(&v, 600);
	assert_int_equal(qvec_summary(&v, &mean, &p50, &p90), 1);
	assert_float_equal(mean, 2100, 1e-9);
	assert_float_equal(p50, 2100, 1e-9);
	assert_float_equal(p90, 3300, 1e-9); /* 600 + 0.9 * 3000 */
	free(v.v);
	qgroups_release(&gs);
}

static const struct report_col pick_cols[] = {
	{ "group", "Group", "分组", RT_TEXT },
	{ "n", "N", "数", RT_INT },
	{ "rate", "Rate", "率", RT_RATE },
};

static void test_improvement_pure(void **state)
{
	(void)state;
	struct report_table t;
	struct kf_error err = KF_ERROR_INIT;
	double v = 0;
	report_table_init(&t, pick_cols, 3);
	size_t r = report_row(&t);
	report_set_text(&t, r, 0, "late_delivery");
	report_set_int(&t, r, 1, 7);
	report_set_rate(&t, r, 2, 1, 4);
	r = report_row(&t);
	report_set_text(&t, r, 0, "total");
	report_set_int(&t, r, 1, 9);
	report_set_rate(&t, r, 2, 0, 0); /* null */
	assert_int_equal(improvement_pick(&t, "rate", "late_delivery", &v, &err), 1);
	assert_float_equal(v, 0.25, 1e-12);
	assert_int_equal(improvement_pick(&t, "n", NULL, &v, &err), 1);
	assert_float_equal(v, 9, 0);
	assert_int_equal(improvement_pick(&t, "rate", "", &v, &err), 0); /* null cell */
	assert_int_equal(improvement_pick(&t, "n", "nowhere", &v, &err), 0); /* no such row this time */
	assert_int_equal(improvement_pick(&t, "nope", NULL, &v, &err), KF_EINVAL);
	assert_string_equal(err.field, "target_metric");
	assert_int_equal(improvement_pick(&t, "group", NULL, &v, &err), KF_EINVAL);
	assert_string_equal(err.field, "target_metric");
	report_table_free(&t);
	report_table_init(&t, pick_cols, 3);
	report_row(&t);
	report_row(&t);
	assert_int_equal(improvement_pick(&t, "n", NULL, &v, &err), KF_EINVAL); /* no total, two rows */
	assert_string_equal(err.field, "target_value");
	report_table_free(&t);

	assert_true(improvement_status_allowed("open", "in_progress"));
	assert_true(improvement_status_allowed("in_progress", "open"));
	assert_true(improvement_status_allowed("open", "done"));
	assert_true(improvement_status_allowed("in_progress", "cancelled"));
	assert_true(improvement_status_allowed("done", "done"));
	assert_false(improvement_status_allowed("done", "open"));
	assert_false(improvement_status_allowed("cancelled", "in_progress"));
	assert_false(improvement_status_allowed("open", "finished"));
}

/* ---- against a store ----------------------------------------------------- */

struct fixture {
	char dir[64];
	struct store *store;
	struct db *db;
	char p[32]; /* this test's prefix of unique names */
	int year; /* of the test period */
	int64_t d0; /* March 1st of year, UTC */
};

static int open_store(struct fixture *f, const char *url)
{
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	opt.create = 1;
	opt.sync_full = 0;
	static int tests_run;
	f->year = 2001 + 28 * (tests_run % 4); /* four tests seed a desk; 2001-2099 keeps the cycle */
	f->d0 = tz_days_from_civil(f->year, 3, 1) * DAY;
	snprintf(f->p, sizeof(f->p), "q%ldn%d", (long)getpid(), tests_run++);
	if (store_open(url, &opt, &f->store, &err) < 0) {
		print_error("store_open %s: %s\n", url, err.message);
		return -1;
	}
	f->db = store_db(f->store, &err);
	return f->db ? 0 : -1;
}

static int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[128];
	*state = f;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-quality-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(url, sizeof(url), "sqlite:%s/kefu.db", f->dir);
	return open_store(f, url);
}

static int setup_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	*state = f;
	return f ? open_store(f, getenv("KF_TEST_PG_URL")) : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(f->store);
	if (f->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
		if (system(cmd) != 0)
			return -1;
	}
	free(f);
	return 0;
}

/*
 * Run script (printf-style, with positional arguments: %1$s is the
 * prefix; numbers are passed as long long) on the fixture's database.
 * Not format-checked: -Wpedantic refuses positional formats.
 */
static void sql(struct fixture *f, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	struct kf_error err = KF_ERROR_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (db_exec_script(f->db, buf_cstr(&b), &err) < 0)
		fail_msg("%s\n-- in --\n%s", err.message, buf_cstr(&b));
	buf_release(&b);
}

/* A ticket: subject P-name, the rest as given (category by code, team and assignee by this run's names). */
static void ticket(struct fixture *f, const char *name, const char *type, const char *cat, const char *team,
                   const char *agent, int64_t created, int64_t first, int64_t resolved)
{
	char c[96], tm[96], ag[96], fr[32], rs[32];
	snprintf(c, sizeof(c), cat ? "(SELECT id FROM categories WHERE code = '%s')" : "NULL", cat);
	snprintf(tm, sizeof(tm), team ? "(SELECT id FROM teams WHERE name = '%s%s')" : "NULL", f->p,
	         team ? team : "");
	snprintf(ag, sizeof(ag), agent ? "(SELECT id FROM users WHERE username = '%s%s')" : "NULL", f->p,
	         agent ? agent : "");
	snprintf(fr, sizeof(fr), first ? "%lld" : "NULL", (long long)first);
	snprintf(rs, sizeof(rs), resolved ? "%lld" : "NULL", (long long)resolved);
	sql(f,
	    "INSERT INTO tickets (type, state, category_id, subject, team_id, assignee_id, created_by_kind, created_at,"
	    " updated_at, first_response_at, resolved_at) VALUES ('%s', '%s', %s, '%s-%s', %s, %s, 'system', %lld, %lld,"
	    " %s, %s);",
	    type, resolved ? "resolved" : "open", c, f->p, name, tm, ag, (long long)created,
	    (long long)created, fr, rs);
}

#define TID(name) "(SELECT id FROM tickets WHERE subject = '%1$s-" name "')"

/* The clock of ticket name under policy pol: first response and resolution (due, done; 0 = none). */
static void clocks(struct fixture *f, const char *name, const char *pol, int64_t fdue, int64_t fdone,
                   int64_t rdue, int64_t rdone)
{
	sql(f,
	    "INSERT INTO ticket_sla (ticket_id, policy_id, calendar_id, started_at, first_due_at, first_done_at,"
	    " resolve_due_at, resolve_done_at, updated_at) SELECT t.id, p.id, 1, t.created_at, %lld, %lld, %lld, %lld, 0"
	    " FROM tickets t, sla_policies p WHERE t.subject = '%s-%s' AND p.name = '%s%s';",
	    (long long)fdue, (long long)fdone, (long long)rdue, (long long)rdone, f->p, name, f->p, pol);
}

static void response(struct fixture *f, int n, const char *tname, const char *agent, const char *csat,
                     const char *nps, int64_t at)
{
	sql(f,
	    "INSERT INTO survey_invitations (kind, ticket_id, agent_id, team_id, token_hash, sent_at, expires_at)"
	    " SELECT 'resolution', t.id, t.assignee_id, t.team_id, '%1$s-tok%2$d', %3$lld, %3$lld"
	    " FROM tickets t WHERE t.subject = '%1$s-%4$s';"
	    "INSERT INTO survey_responses (invitation_id, kind, ticket_id, agent_id, team_id, csat, nps, created_at)"
	    " SELECT i.id, 'resolution', i.ticket_id, (SELECT id FROM users WHERE username = '%1$s%5$s'), i.team_id,"
	    " %6$s, %7$s, %3$lld FROM survey_invitations i WHERE i.token_hash = '%1$s-tok%2$d';",
	    f->p, n, (long long)at, tname, agent, csat, nps);
}

/* The small desk of the worked example (see the expected values in each test). */
static void seed(struct fixture *f)
{
	sql(f,
	    "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at) VALUES"
	    " ('%1$sa1', 'Agent One', 'agent', 'x', 0, 0), ('%1$sa2', 'Agent Two', 'agent', 'x', 0, 0);"
	    "INSERT INTO teams (name, created_at, updated_at) VALUES ('%1$st1', 0, 0);"
	    "INSERT INTO sla_policies (name, sunset, calendar_id, created_at, updated_at) VALUES"
	    " ('%1$ssunset', 1, 1, 0, 0), ('%1$splain', 0, 1, 0, 0);",
	    f->p);
	ticket(f, "T1", "complaint", "product_defect", "t1", "a1", D0 + DAY, D0 + DAY + 3600, D0 + DAY + 7200);
	ticket(f, "T2", "complaint", "product_defect", "t1", "a1", D0 + 2 * DAY, D0 + 2 * DAY + 600,
	       D0 + 3 * DAY);
	ticket(f, "T3", "complaint", "late_delivery", NULL, "a2", D0 + 3 * DAY, D0 + 3 * DAY + 1800, 0);
	ticket(f, "T4", "inquiry", "late_delivery", "t1", "a2", D0 + 4 * DAY, D0 + 4 * DAY + 60,
	       D0 + 4 * DAY + 3600);
	ticket(f, "T5", "inquiry", NULL, NULL, "a1", D0 + 5 * DAY, 0, 0);
	ticket(f, "T6", "follow_up", NULL, NULL, "a1", D0 + 6 * DAY, 0, 0);
	ticket(f, "T7", "inquiry", NULL, NULL, "a2", D0 - 5 * DAY, D0 - 5 * DAY + 60, D0 + 2 * DAY);
	ticket(f, "T0", "complaint", "product_defect", NULL, "a1", D0 - DAY, 0, 0); /* before the period */
	clocks(f, "T1", "sunset", D0 + DAY + 7200, D0 + DAY + 3600, D0 + 2 * DAY, D0 + DAY + 7200);
	clocks(f, "T2", "sunset", D0 + 2 * DAY + 3600, D0 + 2 * DAY + 600, D0 + 2 * DAY + 43200, D0 + 3 * DAY);
	clocks(f, "T3", "plain", D0 + 3 * DAY + 3600, D0 + 3 * DAY + 1800, D0 + 4 * DAY, 0);
	clocks(f, "T4", "plain", D0 + 4 * DAY + 1200, D0 + 4 * DAY + 60, D0 + 25 * DAY, 0);
	sql(f,
	    "INSERT INTO followups (complaint_id, due_at, done_at, created_at) VALUES"
	    " (" TID("T1") ", %2$lld, %3$lld, 0), (" TID("T2") ", %4$lld, NULL, 0), (" TID(
	            "T3") ", %5$lld, NULL, 0);",
	    f->p, LL(D0 + 10 * DAY), LL(D0 + 10 * DAY + 3600), LL(D0 + 11 * DAY), LL(D0 + 19 * DAY + 43200));
	sql(f,
	    "INSERT INTO complaints (ticket_id, step, root_cause, responsible_department, compensation_minor,"
	    " customer_confirmation, customer_confirmed_at, feedback_to_department_at, archived_at, created_at,"
	    " updated_at) VALUES"
	    " (" TID("T1") ", 'archived', 'packaging', 'warehouse', 1000, 'accepted', %2$lld, %3$lld, %4$lld, 0, 0),"
	                   " (" TID("T2") ", 'archived', 'packaging', 'logistics', 500, 'rejected', %5$lld, NULL, %6$lld, 0, 0),"
	                                  " (" TID("T3") ", 'investigation', NULL, 'logistics', 0, NULL, NULL, NULL, NULL, 0, 0);",
	    f->p, LL(D0 + 9 * DAY), LL(D0 + 11 * DAY), LL(D0 + 12 * DAY), LL(D0 + 10 * DAY), LL(D0 + 13 * DAY));
	response(f, 1, "T1", "a1", "5", "9", D0 + 3 * DAY);
	response(f, 2, "T2", "a1", "2", "8", D0 + 4 * DAY);
	response(f, 3, "T4", "a2", "NULL", "4", D0 + 5 * DAY);
	response(f, 4, "T3", "a2", "NULL", "NULL", D0 + 6 * DAY);
	response(f, 5, "T4", "a2", "4", "NULL", D0 + 15 * DAY);
	sql(f,
	    "INSERT INTO ticket_events (ticket_id, at, actor_kind, action, before_json, after_json) VALUES"
	    " (" TID(
	            "T2") ", %2$lld, 'staff', 'state', '{\"state\":\"resolved\"}', '{\"state\":\"open\"}'),"
	                  " (" TID(
	                          "T2") ", %3$lld, 'staff', 'state', '{\"state\":\"open\"}', '{\"state\":\"resolved\"}');"
	                                "INSERT INTO orders (number, placed_at, created_at, updated_at) VALUES ('%1$s-O1', %4$lld, 0, 0),"
	                                " ('%1$s-O2', %5$lld, 0, 0), ('%1$s-O3', %5$lld, 0, 0), ('%1$s-O4', %6$lld, 0, 0), ('%1$s-O5', %7$lld, 0, 0);"
	                                "INSERT INTO order_lines (order_id, line_no, sku, category, quantity) SELECT id, 1, 'K-1', 'kitchen', 1"
	                                " FROM orders WHERE number = '%1$s-O1';"
	                                "INSERT INTO order_lines (order_id, line_no, sku, category, quantity) SELECT id, 2, 'T-9', 'toys', 1"
	                                " FROM orders WHERE number = '%1$s-O1';"
	                                "INSERT INTO shipments (order_id, carrier, tracking_number, created_at, updated_at)"
	                                " SELECT id, 'SF', '%1$s-TRK1', 0, 0 FROM orders WHERE number = '%1$s-O1';"
	                                "UPDATE tickets SET order_id = (SELECT id FROM orders WHERE number = '%1$s-O1'),"
	                                " shipment_id = (SELECT id FROM shipments WHERE tracking_number = '%1$s-TRK1') WHERE subject = '%1$s-T1';",
	    f->p, LL(D0 + 5 * DAY), LL(D0 + 5 * DAY + 60), LL(D0 + 3600), LL(D0 + 2 * DAY), LL(D0 + 30 * DAY),
	    LL(D0 - 10 * DAY));
}

/* Run report name for March 2001 (UTC) by by at NOW; the table is the caller's. */
static void run_report(struct fixture *f, const char *name, const char *by, struct report_table *t)
{
	const struct report_def *def = report_find(name);
	struct kf_error err = KF_ERROR_INIT;
	struct report_params p = { .from = D0, .to = D0 + 31 * DAY, .now = NOW, .by = by, .tz = "UTC" };
	assert_non_null(def);
	assert_int_equal(report_check_params(def, &p, &err), 0);
	if (def->run(f->db, &p, t, &err) < 0)
		fail_msg("report %s by %s: %s", name, by, err.message);
}

/* The row whose first column is key; fails when missing. */
static size_t row_of(const struct report_table *t, const char *key)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (strcmp(report_cell(t, r, 0)->s, key) == 0)
			return r;
	fail_msg("no row %s", key);
	return 0;
}

static int64_t I(const struct report_table *t, const char *key, const char *col)
{
	int c = report_col_index(t, col);
	assert_true(c >= 0);
	const struct report_cell *cell = report_cell(t, row_of(t, key), (size_t)c);
	if (cell->null)
		fail_msg("%s/%s is null", key, col);
	return cell->i;
}

static double D(const struct report_table *t, const char *key, const char *col)
{
	int c = report_col_index(t, col);
	assert_true(c >= 0);
	const struct report_cell *cell = report_cell(t, row_of(t, key), (size_t)c);
	if (cell->null)
		fail_msg("%s/%s is null", key, col);
	return cell->d;
}

static int is_null(const struct report_table *t, const char *key, const char *col)
{
	return report_cell(t, row_of(t, key), (size_t)report_col_index(t, col))->null;
}

/*
 * Three controls, total: contacts T1-T5 (T6 is a follow-up, T0 and T7 came
 * earlier) = 5, complaints T1-T3 = 3, orders O1-O4 = 4: 3/4 and 3/5.
 * Clocks due by now: T1 first+resolve met, T2 first met + resolve late,
 * T3 first met + resolve overdue, T4 first met (its resolve is due after
 * now) = 7, 2 missed.  Follow-ups: T1 done in time, T2 overdue, T3 inside
 * its grace = 2, 1 missed.  Archived: T1 confirmed with feedback, T2
 * without feedback = 2, 1.  Omissions 2 + 1 + 1 = 4 of 7 + 2 + 2 = 11.
 * Responses: CSAT 5, CSAT 2 (dissatisfied), NPS 4 only (dissatisfied),
 * nothing (not counted), CSAT 4 = 4, 2.  Solutions: accepted, rejected.
 */
static void test_three_controls(void **state)
{
	struct fixture *f = *state;
	struct report_table t;
	seed(f);
	run_report(f, "three-controls", "category", &t);
	assert_int_equal(I(&t, "total", "complaints"), 3);
	assert_int_equal(I(&t, "total", "orders"), 4);
	assert_int_equal(I(&t, "total", "contacts"), 5);
	assert_float_equal(D(&t, "total", "complaint_rate_orders"), 0.75, 1e-12);
	assert_float_equal(D(&t, "total", "complaint_rate_contacts"), 0.6, 1e-12);
	assert_int_equal(I(&t, "total", "sla_clocks"), 7);
	assert_int_equal(I(&t, "total", "sla_missed"), 2);
	assert_int_equal(I(&t, "total", "followups_due"), 2);
	assert_int_equal(I(&t, "total", "followups_missed"), 1);
	assert_int_equal(I(&t, "total", "complaints_archived"), 2);
	assert_int_equal(I(&t, "total", "closed_without_feedback"), 1);
	assert_int_equal(I(&t, "total", "omissions"), 4);
	assert_float_equal(D(&t, "total", "omission_rate"), 4.0 / 11.0, 1e-12);
	assert_int_equal(I(&t, "total", "responses"), 4);
	assert_float_equal(D(&t, "total", "dissatisfaction_rate"), 0.5, 1e-12);
	assert_float_equal(D(&t, "total", "rejection_rate"), 0.5, 1e-12);
	/* By category: defect = T1, T2 (clocks 4, 1 missed; follow-ups 2, 1; archived 2, 1: 3 of 8);
	 * late = T3, T4 (complaints 1 of contacts 2; clocks 3, 1 missed: 1 of 3; responses R3, R5: 1 of 2). */
	assert_string_equal(report_cell(&t, 0, 0)->s, "product_defect"); /* most complaints first */
	assert_int_equal(I(&t, "product_defect", "complaints"), 2);
	assert_float_equal(D(&t, "product_defect", "complaint_rate_contacts"), 1.0, 1e-12);
	assert_float_equal(D(&t, "product_defect", "omission_rate"), 3.0 / 8.0, 1e-12);
	assert_true(is_null(&t, "product_defect", "orders")); /* orders have no category */
	assert_float_equal(D(&t, "late_delivery", "complaint_rate_contacts"), 0.5, 1e-12);
	assert_float_equal(D(&t, "late_delivery", "omission_rate"), 1.0 / 3.0, 1e-12);
	assert_float_equal(D(&t, "late_delivery", "dissatisfaction_rate"), 0.5, 1e-12);
	assert_int_equal(I(&t, "(none)", "contacts"), 1);
	assert_non_null(strstr(t.drill[0], "type=complaint&category_id="));
	report_table_free(&t);
	/* By week: every ISO week of March 2001 is a row (Monday 2001-02-26 .. 2001-03-26), quiet or not. */
	run_report(f, "three-controls", "week", &t);
	char w1[16], w3[16], w5[16];
	snprintf(w1, sizeof(w1), "%d-02-26", f->year);
	snprintf(w3, sizeof(w3), "%d-03-12", f->year);
	snprintf(w5, sizeof(w5), "%d-03-26", f->year);
	assert_int_equal(t.nrows, 5 + 1);
	assert_string_equal(report_cell(&t, 0, 0)->s, w1);
	assert_int_equal(I(&t, w1, "complaints"), 3); /* T1-T3 on 2-4 March */
	assert_int_equal(I(&t, w1, "orders"), 3);
	assert_int_equal(I(&t, w5, "orders"), 1); /* O4 on the 31st */
	assert_int_equal(I(&t, w3, "complaints"), 0);
	report_table_free(&t);
}

/*
 * Staff by agent.  a1: handled T1, T2, T5, T6 = 4; resolved T1, T2 = 2;
 * first response 3600 and 600 s (mean 2100, p90 3300); resolution 7200 and
 * 86400 s (mean 46800, p90 78480); clocks 4, 3 met; sunset (T1, T2
 * resolution) 2, 1 met; CSAT 5 and 2 (mean 3.5, 4-5 share 0.5); one reopen
 * of 2 resolved.  a2: handled T3, T4 = 2; resolved T4 and T7 = 2;
 * resolution 3600 and 604800 s (mean 304200); clocks 3, 2 met; no sunset
 * tickets (null); CSAT 4 only; no reopens.
 */
static void test_staff(void **state)
{
	struct fixture *f = *state;
	struct report_table t;
	char a1[48], a2[48];
	seed(f);
	snprintf(a1, sizeof(a1), "%sa1", f->p);
	snprintf(a2, sizeof(a2), "%sa2", f->p);
	run_report(f, "staff", "agent", &t);
	assert_string_equal(report_cell(&t, 0, 0)->s, a1);
	assert_string_equal(report_cell(&t, 0, 1)->s, "Agent One");
	assert_int_equal(I(&t, a1, "handled"), 4);
	assert_int_equal(I(&t, a1, "resolved"), 2);
	assert_int_equal(I(&t, a1, "frt_mean"), 2100);
	assert_int_equal(I(&t, a1, "frt_p50"), 2100);
	assert_int_equal(I(&t, a1, "frt_p90"), 3300);
	assert_int_equal(I(&t, a1, "resolution_mean"), 46800);
	assert_int_equal(I(&t, a1, "resolution_p90"), 78480);
	assert_float_equal(D(&t, a1, "sla_compliance"), 0.75, 1e-12);
	assert_int_equal(I(&t, a1, "sunset_due"), 2);
	assert_float_equal(D(&t, a1, "sunset_compliance"), 0.5, 1e-12);
	assert_float_equal(D(&t, a1, "csat_mean"), 3.5, 1e-12);
	assert_float_equal(D(&t, a1, "csat_score"), 0.5, 1e-12);
	assert_int_equal(I(&t, a1, "reopens"), 1);
	assert_float_equal(D(&t, a1, "reopen_rate"), 0.5, 1e-12);
	assert_int_equal(I(&t, a2, "handled"), 2);
	assert_int_equal(I(&t, a2, "resolved"), 2);
	assert_int_equal(I(&t, a2, "resolution_mean"), 304200);
	assert_float_equal(D(&t, a2, "sla_compliance"), 2.0 / 3.0, 1e-12);
	assert_true(is_null(&t, a2, "sunset_compliance"));
	assert_float_equal(D(&t, a2, "csat_mean"), 4.0, 1e-12);
	assert_float_equal(D(&t, a2, "reopen_rate"), 0.0, 0);
	assert_int_equal(I(&t, "total", "handled"), 6);
	assert_int_equal(I(&t, "total", "sla_due"), 7);
	assert_non_null(strstr(t.drill[0], "/api/v1/tickets?assignee="));
	report_table_free(&t);
}

/*
 * Complaints Pareto of T1-T3: defect 2 (2/3), late 1 (cumulative 1); the
 * 80 % is reached at the second row.  Defect: both resolved, 7200 and
 * 86400 s (mean 46800), compensation 1000 + 500.  Root causes: packaging
 * 2, not recorded 1; departments logistics 2, warehouse 1; carrier SF 1
 * (T1's shipment); product: T1's order's first line kitchen / K-1.
 */
static void test_complaints(void **state)
{
	struct fixture *f = *state;
	struct report_table t;
	seed(f);
	run_report(f, "complaints", "category", &t);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(report_cell(&t, 0, 0)->s, "product_defect");
	assert_int_equal(I(&t, "product_defect", "complaints"), 2);
	assert_float_equal(D(&t, "product_defect", "share"), 2.0 / 3.0, 1e-12);
	assert_float_equal(D(&t, "product_defect", "cumulative_share"), 2.0 / 3.0, 1e-12);
	assert_float_equal(D(&t, "late_delivery", "cumulative_share"), 1.0, 1e-12);
	assert_int_equal(I(&t, "product_defect", "resolution_mean"), 46800);
	assert_int_equal(I(&t, "product_defect", "compensation"), 1500);
	assert_true(is_null(&t, "late_delivery", "resolution_mean"));
	assert_int_equal(I(&t, "total", "complaints"), 3);
	assert_non_null(strstr(t.note, "2 of 2 groups"));
	report_table_free(&t);
	run_report(f, "complaints", "root_cause", &t);
	assert_int_equal(I(&t, "packaging", "complaints"), 2);
	assert_int_equal(I(&t, "(none)", "complaints"), 1);
	report_table_free(&t);
	run_report(f, "complaints", "department", &t);
	assert_int_equal(I(&t, "logistics", "complaints"), 2);
	assert_int_equal(I(&t, "warehouse", "compensation"), 1000);
	report_table_free(&t);
	run_report(f, "complaints", "carrier", &t);
	assert_int_equal(I(&t, "SF", "complaints"), 1);
	assert_int_equal(I(&t, "(none)", "complaints"), 2);
	report_table_free(&t);
	run_report(f, "complaints", "product", &t);
	assert_int_equal(I(&t, "kitchen", "complaints"), 1);
	report_table_free(&t);
	char month[16];
	snprintf(month, sizeof(month), "%d-03", f->year);
	run_report(f, "complaints", "month", &t);
	assert_int_equal(I(&t, month, "complaints"), 3);
	assert_true(is_null(&t, month, "cumulative_share"));
	report_table_free(&t);
}

/* An action on the defect row's omission rate: baseline 3/8 in March; done, measured in February: no row. */
static void test_improvement_actions(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = { "cli", 0, "test", NULL, NULL };
	json_t *out = NULL, *upd = NULL;
	seed(f);
	json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "title", "Better packaging",
	                         "target_report", "three-controls", "target_metric", "omission_rate",
	                         "target_by", "category", "target_value", "product_defect", "baseline_from",
	                         (json_int_t)D0, "baseline_to", (json_int_t)(D0 + 31 * DAY), "due_at",
	                         (json_int_t)(NOW - DAY));
	if (improvement_create(f->db, &a, NOW, body, &out, &err) < 0)
		fail_msg("create: %s (%s)", err.message, err.field);
	assert_float_equal(json_real_value(json_object_get(out, "baseline_value")), 3.0 / 8.0, 1e-12);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "open");
	int64_t id = json_integer_value(json_object_get(out, "id"));
	/* Past due: the three-controls note names it. */
	struct report_table t;
	run_report(f, "three-controls", "month", &t);
	assert_non_null(t.note);
	assert_non_null(strstr(t.note, "Better packaging"));
	report_table_free(&t);
	/* Validation. */
	json_object_set_new(body, "target_metric", json_string("no_such_column"));
	assert_int_equal(improvement_create(f->db, &a, NOW, body, &upd, &err), KF_EINVAL);
	assert_string_equal(err.field, "target_metric");
	json_object_set_new(body, "target_metric", json_string("omission_rate"));
	json_object_set_new(body, "target_by", json_string("agent"));
	assert_int_equal(improvement_create(f->db, &a, NOW, body, &upd, &err), KF_EINVAL);
	assert_string_equal(err.field, "target_by");
	json_object_set_new(body, "target_report", json_string("nope"));
	assert_int_equal(improvement_create(f->db, &a, NOW, body, &upd, &err), KF_EINVAL);
	assert_string_equal(err.field, "target_report");
	/* Done: measured over February (no defect complaints then: no value), stale version refused. */
	json_t *patch = json_pack("{s:s,s:I,s:I}", "status", "done", "measured_from",
	                          (json_int_t)(D0 - 28 * DAY), "measured_to", (json_int_t)D0);
	assert_int_equal(improvement_update(f->db, &a, NOW, id, 7, patch, &upd, &err), KF_ESTALE);
	if (improvement_update(f->db, &a, NOW, id, 1, patch, &upd, &err) < 0)
		fail_msg("update: %s (%s)", err.message, err.field);
	assert_string_equal(json_string_value(json_object_get(upd, "status")), "done");
	assert_true(json_is_null(json_object_get(upd, "after_value")));
	assert_int_equal(json_integer_value(json_object_get(upd, "completed_at")), NOW);
	json_decref(patch);
	json_decref(upd);
	patch = json_pack("{s:s}", "status", "open");
	assert_int_equal(improvement_update(f->db, &a, NOW, id, 2, patch, &upd, &err), KF_ECONFLICT);
	json_decref(patch);
	json_decref(body);
	json_decref(out);
}

/* ---- the CFPB sample ----------------------------------------------------- */

/* Days since 1970 of "YYYY/M/D"; -1 when it is not that. */
static int64_t cfpb_day(const char *s)
{
	int y, m, d;
	if (sscanf(s, "%d/%d/%d", &y, &m, &d) != 3)
		return -1;
	return tz_days_from_civil(y, m, d);
}

struct tally {
	struct strmap idx; /* name -> position */
	char *name[64];
	int64_t n[64];
	int len;
};

static int tally_add(struct tally *t, const char *name)
{
	int64_t i;
	if (!strmap_get(&t->idx, name, &i)) {
		if (t->len == 64)
			fail_msg("more than 64 distinct values");
		i = t->len++;
		t->name[i] = strdup(name);
		strmap_put(&t->idx, name, i);
	}
	t->n[i]++;
	return (int)i;
}

static void tally_release(struct tally *t)
{
	for (int i = 0; i < t->len; i++)
		free(t->name[i]);
	strmap_release(&t->idx);
}

static FILE *open_cfpb(void)
{
	const char *dir = getenv("KF_DATA_DIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/support/cfpb_complaints_sample_6623.csv",
	         dir && *dir ? dir : "tests/data");
	FILE *fp = fopen(path, "r");
	if (!fp)
		fail_msg("the CFPB sample is missing: %s (set KF_DATA_DIR to the data directory)", path);
	return fp;
}

/*
 * Mapping (docs/metrics/quality.md): Product -> category (a child of
 * "other" coded <prefix>c<n>, named after the product), Issue -> root
 * cause, Company response to consumer -> responsible department, Date
 * received (noon UTC) -> created_at.  Insert one complaint ticket and
 * complaints row per CSV row.
 */
static void import_cfpb(struct fixture *f, struct tally *prod, struct tally *resp, int64_t *lo, int64_t *hi)
{
	struct csv c;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql ins_t = DB_SQL(
	        "INSERT INTO tickets (type, state, category_id, subject, created_by_kind, created_at, updated_at)"
	        " VALUES ('complaint', 'open', (SELECT id FROM categories WHERE code = $1), $2, 'system', $3, $3)"
	        " RETURNING id");
	static struct db_sql ins_k = DB_SQL(
	        "INSERT INTO complaints (ticket_id, root_cause, responsible_department, created_at, updated_at)"
	        " VALUES ($1, $2, $3, 0, 0)");
	static struct db_sql ins_c = DB_SQL(
	        "INSERT INTO categories (code, name_zh, name_en, sort) VALUES ($1, $2, $2, 900)");
	FILE *fp = open_cfpb();
	csv_init_file(&c, fp);
	assert_int_equal(csv_next(&c, &err), 1); /* header */
	assert_string_equal(csv_field(&c, 1, NULL), "Product");
	assert_int_equal(db_begin(f->db, &err), 0);
	int rows = 0;
	*lo = INT64_MAX;
	*hi = 0;
	while (csv_next(&c, &err) == 1) {
		char code[48];
		int64_t id, day = cfpb_day(csv_field(&c, 0, NULL));
		assert_true(day > 0);
		int before = prod->len, k = tally_add(prod, csv_field(&c, 1, NULL));
		snprintf(code, sizeof(code), "%sc%d", f->p, k);
		if (prod->len > before)
			assert_int_equal(
			        db_exec(f->db, &ins_c, DB_ARGS(db_text(code), db_text(prod->name[k])), &err),
			        1);
		tally_add(resp, csv_field(&c, 14, NULL));
		assert_int_equal(db_query_int(f->db, &ins_t,
		                              DB_ARGS(db_text(code), db_text(csv_field(&c, 17, NULL)),
		                                      db_int(day * DAY + 43200)),
		                              &id, &err),
		                 0);
		assert_int_equal(db_exec(f->db, &ins_k,
		                         DB_ARGS(db_int(id), db_text(csv_field(&c, 3, NULL)),
		                                 db_text(csv_field(&c, 14, NULL))),
		                         &err),
		                 1);
		*lo = day * DAY < *lo ? day * DAY : *lo;
		*hi = day * DAY + DAY > *hi ? day * DAY + DAY : *hi;
		rows++;
	}
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_int_equal(rows, 6623);
	csv_release(&c);
	fclose(fp);
}

static void test_cfpb(void **state)
{
	struct fixture *f = *state;
	struct tally prod = { .idx = STRMAP_INIT(1000) }, resp = { .idx = STRMAP_INIT(1000) };
	struct report_table t;
	struct kf_error err = KF_ERROR_INIT;
	int64_t lo, hi;
	char code[48];
	import_cfpb(f, &prod, &resp, &lo, &hi);
	const struct report_def *def = report_find("complaints");
	struct report_params p = { .from = lo, .to = hi, .now = hi, .by = "category", .tz = "UTC" };
	if (def->run(f->db, &p, &t, &err) < 0)
		fail_msg("%s", err.message);
	assert_int_equal(t.nrows, (size_t)prod.len + 1);
	assert_int_equal(I(&t, "total", "complaints"), 6623);
	int64_t prev = INT64_MAX, sum = 0;
	for (int k = 0; k < prod.len; k++) {
		snprintf(code, sizeof(code), "%sc%d", f->p, k);
		assert_int_equal(I(&t, code, "complaints"), prod.n[k]);
		assert_float_equal(D(&t, code, "share"), (double)prod.n[k] / 6623.0, 1e-12);
	}
	for (size_t r = 0; r + 1 < t.nrows; r++) { /* Pareto order, and the line ends at 100 % */
		int64_t n = report_cell(&t, r, 2)->i;
		assert_true(n <= prev);
		prev = n;
		sum += n;
		assert_float_equal(report_cell(&t, r, 4)->d, (double)sum / 6623.0, 1e-12);
	}
	assert_float_equal(report_cell(&t, t.nrows - 2, 4)->d, 1.0, 1e-12);
	report_table_free(&t);
	p.by = "department";
	if (def->run(f->db, &p, &t, &err) < 0)
		fail_msg("%s", err.message);
	for (int k = 0; k < resp.len; k++)
		assert_int_equal(I(&t, resp.name[k][0] ? resp.name[k] : "(none)", "complaints"), resp.n[k]);
	report_table_free(&t);
	tally_release(&prod);
	tally_release(&resp);
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_verdicts),         cmocka_unit_test(test_pareto),
		cmocka_unit_test(test_buckets),          cmocka_unit_test(test_groups),
		cmocka_unit_test(test_improvement_pure),
	};
	const struct CMUnitTest lite[] = {
		cmocka_unit_test_setup_teardown(test_three_controls, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_staff, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_complaints, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_improvement_actions, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_cfpb, setup_sqlite, teardown),
	};
	const struct CMUnitTest pg[] = {
		cmocka_unit_test_setup_teardown(test_three_controls, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_staff, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_complaints, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_improvement_actions, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_cfpb, setup_pg, teardown),
	};
	int failed = cmocka_run_group_tests_name("quality arithmetic", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("quality reports (sqlite)", lite, NULL, NULL);
	if (getenv("KF_TEST_PG_URL"))
		failed += cmocka_run_group_tests_name("quality reports (postgres)", pg, NULL, NULL);
	return failed ? 1 : 0;
}
