/*
 * test_consumer.c - events/consumer.c over a temporary SQLite store (and
 * PostgreSQL, a schema per test, when KF_TEST_PG_URL is set): the cursor
 * moves with the handler's writes; a failing event is retried with backoff
 * and parked dead after CONSUMER_MAX_ATTEMPTS, the stream going on past
 * it; an admin's retry puts it back; retention stops at the slowest
 * cursor; on PostgreSQL a consumer whose cursor row another node holds is
 * skipped, not delivered twice.  The failing consumer here ("flaky") is
 * compiled into this test only.
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

#include "events/consumer.h"
#include "events/event_stats.h"
#include "events/outbox.h"
#include "store/db.h"
#include "base/banned.h"

static const char *pg_base_url; /* KF_TEST_PG_URL, or NULL */
static PGconn *pg_admin; /* creates and drops the per-test schemas */

struct fixture {
	int pg;
	char dir[64];
	char schema[64];
	char url[1024];
	struct store *store;
	struct db *db;
};

static const struct actor tester = { "cli", 0, "test", NULL, NULL };

/* flaky: fails every event whose entity_id is in fail_ids; records what it handled. */
static int64_t fail_id = -1;
static struct db_sql q_seen = DB_SQL("INSERT INTO event_stats (day, type, n) VALUES ('seen', $1, 1) "
                                     "ON CONFLICT (day, type) DO UPDATE SET n = event_stats.n + 1");

static int flaky_handle(struct db *db, const struct event *ev, struct kf_error *err)
{
	char key[32];
	snprintf(key, sizeof(key), "seq-%lld", (long long)ev->seq);
	int rc = db_exec(db, &q_seen, DB_ARGS(db_text(key)), err);
	if (rc >= 0 && ev->entity_id == fail_id)
		return kf_fail(err, KF_EINVAL, NULL, NULL, "entity %lld refused", (long long)ev->entity_id);
	return rc < 0 ? rc : 0;
}

static const char *const created_only[] = { "ticket.created", NULL };
static const struct consumer table[] = {
	{ "stats", NULL, event_stats_handle },
	{ "flaky", created_only, flaky_handle },
};
#define STATS (&table[0])
#define FLAKY (&table[1])

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
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-cons-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (!f->pg) {
		snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
		return 0;
	}
	snprintf(f->schema, sizeof(f->schema), "kfu_cons_%d_%d", (int)getpid(), ++seq);
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
	*state = f;
	if (!f)
		return -1;
	f->pg = pg;
	fail_id = -1;
	consumer_set_table(table, 2);
	if (fresh_url(f) < 0 || open_store(f) < 0)
		return -1;
	return consumer_register_all(f->db, 1000, &err);
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

/* Append one event in its own transaction; returns its seq. */
static int64_t emit(struct db *db, const char *type, int64_t entity_id, int64_t at_ms)
{
	struct kf_error err = KF_ERROR_INIT;
	struct event ev = { .type = type, .entity = "ticket", .entity_id = entity_id, .created_at_ms = at_ms };
	assert_int_equal(db_begin(db, &err), 0);
	assert_int_equal(outbox_append(db, &ev, &tester, &err), 0);
	assert_int_equal(db_commit(db, &err), 0);
	/* the final seq: on PostgreSQL a transaction's events are renumbered at its commit */
	static struct db_sql q_last = DB_SQL("SELECT MAX(seq) FROM events");
	int64_t seq = -1;
	assert_int_equal(db_query_int(db, &q_last, DB_NOARGS, &seq, &err), 0);
	return seq;
}

static int64_t q_int(struct db *db, const char *sql, const char *arg)
{
	struct db_sql q = DB_SQL(sql);
	struct kf_error err = KF_ERROR_INIT;
	int64_t v = -1;
	int rc = arg ? db_query_int(db, &q, DB_ARGS(db_text(arg)), &v, &err)
	             : db_query_int(db, &q, DB_NOARGS, &v, &err);
	assert_true(rc >= 0);
	return v;
}

static int64_t cursor_of(struct db *db, const char *name)
{
	return q_int(db, "SELECT last_seq FROM event_consumers WHERE name = $1", name);
}

static int64_t seen(struct db *db, int64_t seq)
{
	char key[32];
	snprintf(key, sizeof(key), "seq-%lld", (long long)seq);
	return q_int(db, "SELECT COALESCE(SUM(n), 0) FROM event_stats WHERE day = 'seen' AND type = $1", key);
}

static int64_t total(struct db *db, const char *type)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t n = -1;
	assert_int_equal(event_stats_total(db, type, &n, &err), 0);
	return n;
}

/* The cursor moves with the handler's writes; a second pass counts nothing twice. */
static void test_cursor(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	for (int i = 1; i <= 3; i++)
		emit(f->db, "ticket.created", i, 1765000000000);
	int64_t last = emit(f->db, "ticket.replied", 1, 1765000000000);
	assert_int_equal(consumer_run(f->db, STATS, 2000, &err), 4);
	assert_int_equal(cursor_of(f->db, "stats"), last);
	assert_int_equal(total(f->db, "ticket.created"), 3);
	assert_int_equal(total(f->db, "ticket.replied"), 1);
	assert_int_equal(consumer_run(f->db, STATS, 2001, &err), 0);
	assert_int_equal(total(f->db, "ticket.created"), 3);
	/* flaky wants ticket.created only: the reply is passed over, its cursor still reaches it */
	assert_int_equal(consumer_run(f->db, FLAKY, 2000, &err), 3);
	assert_int_equal(cursor_of(f->db, "flaky"), last);
	assert_int_equal(seen(f->db, last), 0);
	int64_t more = emit(f->db, "ticket.created", 9, 1765000000000);
	assert_int_equal(consumer_run_all(f->db, 2002, &err), 2);
	assert_int_equal(total(f->db, "ticket.created"), 4);
	assert_int_equal(seen(f->db, more), 1);
}

/* A failing event: rolled back, retried 1 s, 2 s, 4 s, ... later, dead after the last attempt. */
static void test_failure_dead_retry(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t bad = emit(f->db, "ticket.created", 7, 1765000000000);
	int64_t good = emit(f->db, "ticket.created", 8, 1765000000000);
	fail_id = 7;
	int64_t now = 5000;
	assert_int_equal(consumer_run(f->db, FLAKY, now, &err), 2);
	assert_int_equal(seen(f->db, bad), 0); /* its write rolled back with it */
	assert_int_equal(seen(f->db, good), 1); /* the stream went on past it */
	assert_int_equal(cursor_of(f->db, "flaky"), good);
	assert_int_equal(q_int(f->db, "SELECT attempts FROM event_failures WHERE consumer = $1", "flaky"), 1);
	assert_int_equal(q_int(f->db, "SELECT next_at FROM event_failures WHERE consumer = $1", "flaky"),
	                 now + 1);
	assert_int_equal(consumer_run(f->db, FLAKY, now, &err), 0); /* not yet due */
	int64_t delay = 1;
	for (int a = 2; a <= CONSUMER_MAX_ATTEMPTS; a++) {
		now += delay;
		assert_int_equal(consumer_run(f->db, FLAKY, now, &err), 1);
		assert_int_equal(
		        q_int(f->db, "SELECT attempts FROM event_failures WHERE consumer = $1", "flaky"), a);
		delay *= 2;
		if (a < CONSUMER_MAX_ATTEMPTS)
			assert_int_equal(q_int(f->db, "SELECT next_at FROM event_failures WHERE consumer = $1",
			                       "flaky"),
			                 now + delay);
	}
	assert_int_equal(q_int(f->db,
	                       "SELECT COUNT(*) FROM event_failures WHERE state = 'dead' AND consumer = $1",
	                       "flaky"),
	                 1);
	assert_int_equal(consumer_run(f->db, FLAKY, now + 100000, &err), 0); /* dead: left alone */
	/* retention keeps the event a failure holds */
	assert_true(consumer_run(f->db, STATS, now, &err) >= 0);
	assert_int_equal(consumer_prune(f->db, 1765000000001, &err), 1);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM events", NULL), 1); /* bad, still held */
	/* the admin's retry: unknown -> not found; dead -> handled at once once it succeeds */
	assert_int_equal(consumer_retry(f->db, "flaky", good, now, &err), KF_ENOTFOUND);
	fail_id = -1;
	assert_int_equal(consumer_retry(f->db, "flaky", bad, now, &err), 0);
	assert_int_equal(consumer_run(f->db, FLAKY, now, &err), 1);
	assert_int_equal(seen(f->db, bad), 1);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM event_failures WHERE consumer = $1", "flaky"), 0);
	assert_int_equal(consumer_retry(f->db, "flaky", bad, now, &err), KF_ENOTFOUND);
}

/* Retention: old events every consumer has passed go; the rest stay. */
static void test_prune(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	emit(f->db, "ticket.created", 1, 1000);
	emit(f->db, "ticket.created", 2, 1000);
	emit(f->db, "ticket.created", 3, 9000);
	assert_int_equal(consumer_run(f->db, STATS, 10, &err), 3);
	assert_int_equal(consumer_prune(f->db, 5000, &err), 0); /* flaky has not read them */
	assert_int_equal(consumer_run(f->db, FLAKY, 10, &err), 3);
	assert_int_equal(consumer_prune(f->db, 5000, &err), 2);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM events", NULL), 1);
}

/* PostgreSQL: while another node holds a consumer's row, this node skips it. */
static void test_skip_locked(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct store *other;
	struct db_options opt = DB_OPTIONS_INIT;
	emit(f->db, "ticket.created", 1, 1765000000000);
	assert_int_equal(store_open(f->url, &opt, &other, &err), 0);
	struct db *odb = store_db(other, &err);
	assert_non_null(odb);
	static struct db_sql lock = DB_SQL("SELECT last_seq FROM event_consumers WHERE name = $1 FOR UPDATE");
	int64_t c;
	assert_int_equal(db_begin(odb, &err), 0);
	assert_int_equal(db_query_int(odb, &lock, DB_ARGS(db_text("stats")), &c, &err), 0);
	assert_int_equal(consumer_run(f->db, STATS, 10, &err), 0);
	assert_int_equal(total(f->db, "ticket.created"), 0);
	db_rollback(odb);
	assert_int_equal(consumer_run(f->db, STATS, 10, &err), 1);
	assert_int_equal(total(f->db, "ticket.created"), 1);
	store_close(other);
}

/*
 * PostgreSQL: seq order is commit order.  The transaction that appended
 * first but commits last gets the larger seq (else a reader that moved its
 * cursor past the other's event would never see this one), and appending
 * takes no lock another appender waits for (the commit-time lock cannot be
 * part of a deadlock with the rows the two transactions hold).
 */
static void test_commit_order(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct store *other;
	struct db_options opt = DB_OPTIONS_INIT;
	assert_int_equal(store_open(f->url, &opt, &other, &err), 0);
	struct db *odb = store_db(other, &err);
	assert_non_null(odb);
	struct event a = {
		.type = "ticket.created", .entity = "ticket", .entity_id = 1, .created_at_ms = 1765000000000
	};
	struct event b = {
		.type = "ticket.created", .entity = "ticket", .entity_id = 2, .created_at_ms = 1765000000000
	};
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(outbox_append(f->db, &a, &tester, &err), 0);
	assert_int_equal(db_begin(odb, &err), 0);
	assert_int_equal(outbox_append(odb, &b, &tester, &err), 0);
	assert_true(a.seq < b.seq); /* numbers as handed out at insert */
	assert_int_equal(db_commit(odb, &err), 0); /* b commits first */
	assert_int_equal(db_commit(f->db, &err), 0);
	int64_t sa = q_int(f->db, "SELECT seq FROM events WHERE entity_id = 1", NULL);
	int64_t sb = q_int(f->db, "SELECT seq FROM events WHERE entity_id = 2", NULL);
	assert_true(sb < sa);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM events", NULL), 2);
	store_close(other);
}

static int run_pg(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cursor, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_failure_dead_retry, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_skip_locked, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_commit_order, setup_pg, teardown),
	};
	pg_admin = PQconnectdb(pg_base_url);
	if (PQstatus(pg_admin) != CONNECTION_OK) {
		print_error("cannot connect to %s: %s\n", pg_base_url, PQerrorMessage(pg_admin));
		PQfinish(pg_admin);
		return 1;
	}
	PQclear(PQexec(pg_admin, "SET client_min_messages = warning"));
	int failed = cmocka_run_group_tests_name("consumer/postgres", tests, NULL, NULL);
	PQfinish(pg_admin);
	return failed;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_dead_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("consumer/sqlite", tests, NULL, NULL);
	pg_base_url = getenv("KF_TEST_PG_URL");
	if (pg_base_url && *pg_base_url)
		failed += run_pg();
	return failed;
}
