/*
 * test_store.c - the store layer (src/store/db.c, sqlite.c, pg.c, migrate.c).
 *
 * The core tests run against SQLite files in a mkdtemp directory, and again
 * against PostgreSQL when KF_TEST_PG_URL is set (scripts/with-pg.sh sets
 * it); there each test gets its own schema, selected through search_path.
 * Identity checks (foreign or newer databases) have a variant per backend.
 */
#include <errno.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/embed.h"
#include "store/db.h"
#include "store/migrate.h"
#include "base/banned.h"

/* ---- fixtures ------------------------------------------------------------ */

static char tmpdir[] = "/tmp/kefu-test-store.XXXXXX";
static const char *pg_base_url; /* KF_TEST_PG_URL, or NULL */
static PGconn *pg_admin; /* creates and drops the per-test schemas */
static int fixture_seq;

struct fx {
	int pg; /* 1: PostgreSQL, 0: SQLite */
	char path[512]; /* SQLite: the file */
	char schema[64]; /* PostgreSQL: the test's schema */
	char url[1024]; /* what store_open gets */
	struct store *st; /* opened by the setup, or NULL (bare) */
	struct db *db; /* the main thread's connection */
};

static void pg_admin_exec(const char *sql)
{
	PGresult *res = PQexec(pg_admin, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg_admin));
	PQclear(res);
}

/* KF_TEST_PG_URL with search_path set to schema. */
static void pg_url_for(char *out, size_t n, const char *schema)
{
	if (strncmp(pg_base_url, "postgres://", 11) == 0 || strncmp(pg_base_url, "postgresql://", 13) == 0)
		snprintf(out, n, "%s%coptions=-csearch_path%%3D%s", pg_base_url,
		         strchr(pg_base_url, '?') ? '&' : '?', schema);
	else
		snprintf(out, n, "%s options='-csearch_path=%s'", pg_base_url, schema);
}

static struct fx *fx_new(int pg)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->pg = pg;
	int seq = ++fixture_seq;
	if (pg) {
		char sql[128];
		snprintf(f->schema, sizeof(f->schema), "kfu_unit_%d_%d", (int)getpid(), seq);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
		pg_admin_exec(sql);
		pg_url_for(f->url, sizeof(f->url), f->schema);
	} else {
		snprintf(f->path, sizeof(f->path), "%s/t%d.db", tmpdir, seq);
		snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
	}
	return f;
}

static struct db_options test_options(void)
{
	struct db_options opt = DB_OPTIONS_INIT;
	opt.create = 1;
	opt.sync_full = 0; /* tests need no power-loss safety */
	return opt;
}

static int fx_open(struct fx *f)
{
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = test_options();
	int rc = store_open(f->url, &opt, &f->st, &err);
	if (rc < 0)
		fail_msg("store_open %s: %s", f->url, err.message);
	f->db = store_db(f->st, &err);
	assert_non_null(f->db);
	return 0;
}

static int setup_sqlite(void **state)
{
	*state = fx_new(0);
	return fx_open(*state);
}

static int setup_pg(void **state)
{
	*state = fx_new(1);
	return fx_open(*state);
}

static int setup_sqlite_bare(void **state)
{
	*state = fx_new(0);
	return 0;
}

static int setup_pg_bare(void **state)
{
	*state = fx_new(1);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->st);
	if (f->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		pg_admin_exec(sql);
	}
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

#define OK(call) \
	do { \
		struct kf_error e_ = KF_ERROR_INIT; \
		int rc_ = (call); \
		if (rc_ < 0) \
			fail_msg("%s: %d %s", #call, rc_, e_.message); \
	} while (0)

static void script(struct db *db, const char *sql)
{
	struct kf_error err = KF_ERROR_INIT;
	int rc = db_exec_script(db, sql, &err);
	if (rc < 0)
		fail_msg("script %s: %s", sql, err.message);
}

static int64_t count_rows(struct db *db, const char *where)
{
	static struct db_sql q_all = DB_SQL("SELECT count(*) FROM t");
	static struct db_sql q_id = DB_SQL("SELECT count(*) FROM t WHERE id = $1");
	struct kf_error err = KF_ERROR_INIT;
	int64_t n = -1;
	int rc = where ? db_query_int(db, &q_id, DB_ARGS(db_text(where)), &n, &err)
	               : db_query_int(db, &q_all, DB_NOARGS, &n, &err);
	if (rc < 0)
		fail_msg("count: %s", err.message);
	return n;
}

static struct db_sql q_insert = DB_SQL("INSERT INTO t (id, s) VALUES ($1, $2)");

static int insert(struct db *db, int64_t id, const char *s, struct kf_error *err)
{
	return db_exec(db, &q_insert, DB_ARGS(db_int(id), db_text(s)), err);
}

static void make_table(struct db *db)
{
	script(db,
	       "CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION,"
	       " s TEXT, b BYTEA)");
}

/* ---- core tests, both backends ------------------------------------------- */

static void test_open_migrate(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql q_meta = DB_SQL("SELECT value FROM kefu_meta WHERE key = $1");
	int version = -1, applied = -1;

	assert_true(migrate_latest() >= 1);
	OK(migrate_current(f->db, &version, &e_));
	assert_int_equal(version, migrate_latest());
	OK(migrate_apply(f->db, &applied, &e_));
	assert_int_equal(applied, 0);

	struct db_rows *r = NULL;
	OK(db_query(f->db, &q_meta, DB_ARGS(db_text("app")), &r, &e_));
	assert_int_equal(db_next(r, &err), 1);
	assert_string_equal(db_col_text(r, 0), "kefu");
	assert_int_equal(db_next(r, &err), 0);
	db_done(r);

	/* A second open of a current database checks and succeeds. */
	struct store *again = NULL;
	struct db_options opt = test_options();
	opt.migrate = 0;
	OK(store_open(f->url, &opt, &again, &e_));
	store_close(again);
	assert_true(strcmp(store_url(f->st), f->url) == 0);
}

static void test_empty_needs_init(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = test_options();
	struct store *st = NULL;
	opt.migrate = 0;
	assert_int_equal(store_open(f->url, &opt, &st, &err), KF_EINVAL);
	assert_null(st);
	assert_non_null(strstr(err.message, "run kefu init"));
}

static void test_types(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql ins = DB_SQL("INSERT INTO t (id, i, r, s, b) VALUES ($1, $2, $3, $4, $5)");
	static struct db_sql sel = DB_SQL("SELECT id, i, r, s, b FROM t ORDER BY id");
	static const char zh[] = "客服系统：您好，工单已受理 ✓";
	static const unsigned char blob[] = { 0x00, 0x01, 0xff, 0x00, 0x7f };

	make_table(f->db);
	assert_int_equal(db_exec(f->db, &ins,
	                         DB_ARGS(db_int(1), db_int(INT64_MAX), db_real(2.5), db_text(zh),
	                                 db_blob(blob, sizeof(blob))),
	                         &err),
	                 1);
	assert_int_equal(db_exec(f->db, &ins,
	                         DB_ARGS(db_int(2), db_int(INT64_MIN), db_null(), db_text(NULL), db_null()),
	                         &err),
	                 1);
	assert_int_equal(
	        db_exec(f->db, &ins,
	                DB_ARGS(db_int(3), db_int(-7), db_real(-0.125), db_textn("abcdef", 3), db_blob("", 0)),
	                &err),
	        1);

	struct db_rows *r = NULL;
	OK(db_query(f->db, &sel, DB_NOARGS, &r, &e_));
	assert_int_equal(db_next(r, &err), 1);
	assert_int_equal(db_col_int(r, 0), 1);
	assert_true(db_col_int(r, 1) == INT64_MAX);
	assert_true(db_col_real(r, 2) == 2.5);
	assert_string_equal(db_col_text(r, 3), zh);
	assert_int_equal(db_col_len(r, 3), strlen(zh));
	assert_false(db_col_isnull(r, 3));
	const char *b = db_col_text(r, 4);
	assert_int_equal(db_col_len(r, 4), sizeof(blob));
	assert_memory_equal(b, blob, sizeof(blob));

	assert_int_equal(db_next(r, &err), 1);
	assert_true(db_col_int(r, 1) == INT64_MIN);
	assert_true(db_col_isnull(r, 2));
	assert_true(db_col_isnull(r, 3));
	assert_null(db_col_text(r, 3));
	assert_int_equal(db_col_len(r, 3), 0);
	assert_true(db_col_isnull(r, 4));

	assert_int_equal(db_next(r, &err), 1);
	assert_int_equal(db_col_int(r, 1), -7);
	assert_true(db_col_real(r, 2) == -0.125);
	assert_string_equal(db_col_text(r, 3), "abc");
	assert_false(db_col_isnull(r, 4));
	assert_int_equal(db_col_len(r, 4), 0);

	assert_int_equal(db_next(r, &err), 0);
	assert_int_equal(db_next(r, &err), 0); /* stays at the end */
	db_done(r);
	db_done(NULL);

	/* UPDATE counts rows; a statement without rows changed returns 0. */
	static struct db_sql upd = DB_SQL("UPDATE t SET i = i + $1 WHERE id >= $2");
	assert_int_equal(db_exec(f->db, &upd, DB_ARGS(db_int(1), db_int(3)), &err), 1);
	assert_int_equal(db_exec(f->db, &upd, DB_ARGS(db_int(1), db_int(99)), &err), 0);
	static struct db_sql sel1 = DB_SQL("SELECT i FROM t WHERE id = $1");
	assert_int_equal(db_exec(f->db, &sel1, DB_ARGS(db_int(3)), &err), 0);
	int64_t v = 0;
	OK(db_query_int(f->db, &sel1, DB_ARGS(db_int(3)), &v, &e_));
	assert_int_equal(v, -6);
	assert_int_equal(db_query_int(f->db, &sel1, DB_ARGS(db_int(42)), &v, &err), KF_ENOTFOUND);
}

static void test_placeholder_order(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql rev = DB_SQL("INSERT INTO t (s, id) VALUES ($2, $1)");
	static struct db_sql swap = DB_SQL("INSERT INTO t (id, s) VALUES ($2, $1)");
	static struct db_sql diff = DB_SQL("SELECT $2 - $1");
	static struct db_sql twice = DB_SQL("SELECT $1 * 10 + $1");
	static struct db_sql get = DB_SQL("SELECT s FROM t WHERE id = $1");

	make_table(f->db);
	assert_int_equal(db_exec(f->db, &rev, DB_ARGS(db_int(5), db_text("five")), &err), 1);
	assert_int_equal(db_exec(f->db, &swap, DB_ARGS(db_text("seven"), db_int(7)), &err), 1);

	struct db_rows *r = NULL;
	OK(db_query(f->db, &get, DB_ARGS(db_int(7)), &r, &e_));
	assert_int_equal(db_next(r, &err), 1);
	assert_string_equal(db_col_text(r, 0), "seven");
	db_done(r);
	OK(db_query(f->db, &get, DB_ARGS(db_int(5)), &r, &e_));
	assert_int_equal(db_next(r, &err), 1);
	assert_string_equal(db_col_text(r, 0), "five");
	db_done(r);

	int64_t v = 0;
	OK(db_query_int(f->db, &diff, DB_ARGS(db_int(3), db_int(10)), &v, &e_));
	assert_int_equal(v, 7);
	OK(db_query_int(f->db, &twice, DB_ARGS(db_int(4)), &v, &e_));
	assert_int_equal(v, 44);

	/* Too many or too few arguments are an error, not a silent NULL. */
	assert_true(db_query_int(f->db, &diff, DB_ARGS(db_int(1)), &v, &err) < 0);
	assert_true(db_query_int(f->db, &diff, DB_ARGS(db_int(1), db_int(2), db_int(3)), &v, &err) < 0);
	OK(db_query_int(f->db, &diff, DB_ARGS(db_int(1), db_int(2)), &v, &e_));
	assert_int_equal(v, 1);
}

static void test_unique(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;

	make_table(f->db);
	assert_int_equal(insert(f->db, 1, "a", &err), 1);
	assert_int_equal(insert(f->db, 1, "b", &err), KF_EEXIST);
	assert_int_equal(err.code, KF_EEXIST);
	assert_true(err.message[0] != '\0');
	/* The statement is usable again after the failure. */
	assert_int_equal(insert(f->db, 2, "b", &err), 1);
	assert_int_equal(count_rows(f->db, NULL), 2);

	/* A syntax error is KF_EDB, and not cached as a statement. */
	static struct db_sql bad = DB_SQL("SELEKT 1");
	assert_int_equal(db_exec(f->db, &bad, DB_NOARGS, &err), KF_EDB);
	assert_int_equal(db_exec(f->db, &bad, DB_NOARGS, &err), KF_EDB);
}

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;

	make_table(f->db);
	/* Nested commits: only the outermost one commits. */
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 1, "outer", &err), 1);
	OK(db_begin(f->db, &e_));
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(insert(f->db, 2, "inner", &err), 1);
	OK(db_commit(f->db, &e_));
	assert_int_equal(db_in_tx(f->db), 1);
	OK(db_commit(f->db, &e_));
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count_rows(f->db, NULL), 2);

	/* An inner rollback makes the whole transaction roll back. */
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 3, "x", &err), 1);
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 4, "y", &err), 1);
	db_rollback(f->db);
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(db_commit(f->db, &err), KF_EDB);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count_rows(f->db, NULL), 2);

	/* db_finish: a failed rc rolls back and is returned; rc >= 0 commits. */
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 7, "finish-no", &err), 1);
	assert_int_equal(db_finish(f->db, KF_EINVAL, &err), KF_EINVAL);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count_rows(f->db, NULL), 2);
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 7, "finish-yes", &err), 1);
	OK(db_finish(f->db, 1, &e_));
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count_rows(f->db, NULL), 3);
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 8, "a", &err), 1);
	assert_int_equal(insert(f->db, 7, "dup", &err), KF_EEXIST);
	assert_int_equal(db_finish(f->db, 0, &err), KF_EDB); /* the commit's error */
	assert_int_equal(count_rows(f->db, NULL), 3);
	script(f->db, "DELETE FROM t WHERE id = 7");
	assert_int_equal(count_rows(f->db, NULL), 2);

	/* The outermost rollback. */
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 5, "z", &err), 1);
	db_rollback(f->db);
	assert_int_equal(count_rows(f->db, NULL), 2);
	db_rollback(f->db); /* outside a transaction: nothing */

	/* A failed statement makes the transaction rollback-only on both backends. */
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 6, "a", &err), 1);
	assert_int_equal(insert(f->db, 1, "dup", &err), KF_EEXIST);
	assert_int_equal(db_commit(f->db, &err), KF_EDB);
	assert_int_equal(count_rows(f->db, NULL), 2);

	/* And a fresh transaction afterwards works. */
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 7, "ok", &err), 1);
	OK(db_commit(f->db, &e_));
	assert_int_equal(count_rows(f->db, NULL), 3);

	/* A row lock: FOR UPDATE on PostgreSQL, left out on SQLite; same answer on both. */
	static struct db_sql q_lock = DB_SQL("SELECT id FROM t WHERE id = $1 FOR UPDATE");
	int64_t got = 0;
	OK(db_begin(f->db, &e_));
	OK(db_query_int(f->db, &q_lock, DB_ARGS(db_int(7)), &got, &e_));
	assert_int_equal(got, 7);
	assert_int_equal(db_query_int(f->db, &q_lock, DB_ARGS(db_int(99)), &got, &err), KF_ENOTFOUND);
	OK(db_commit(f->db, &e_));
}

/* Group commit: items in savepoints, domain transactions inside them. */
static void test_batch(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;

	make_table(f->db);
	OK(db_batch_begin(f->db, &e_));
	/* item 1: an autocommit-style write, kept */
	OK(db_batch_item_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 1, "a", &err), 1);
	assert_int_equal(db_batch_item_end(f->db, 1, &err), 1);
	/* item 2: a domain transaction that commits, but the answer was an error: undone */
	OK(db_batch_item_begin(f->db, &e_));
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 2, "b", &err), 1);
	OK(db_commit(f->db, &e_));
	assert_int_equal(db_batch_item_end(f->db, 0, &err), 0);
	/* item 3: the domain transaction rolls back, then the item writes again and is kept */
	OK(db_batch_item_begin(f->db, &e_));
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 3, "c", &err), 1);
	db_rollback(f->db);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(insert(f->db, 4, "d", &err), 1);
	assert_int_equal(db_batch_item_end(f->db, 1, &err), 1);
	/* item 4: a failed statement inside a domain transaction: its commit fails, the item is undone */
	OK(db_batch_item_begin(f->db, &e_));
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 5, "e", &err), 1);
	assert_int_equal(insert(f->db, 1, "dup", &err), KF_EEXIST);
	assert_int_equal(db_commit(f->db, &err), KF_EDB);
	assert_int_equal(db_batch_item_end(f->db, 0, &err), 0);
	/* item 5: a failed statement outside db_begin undoes the item even when kept */
	OK(db_batch_item_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 6, "f", &err), 1);
	assert_int_equal(insert(f->db, 4, "dup", &err), KF_EEXIST);
	assert_int_equal(db_batch_item_end(f->db, 1, &err), 0);
	/* the transaction is still usable after all that */
	OK(db_batch_item_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 7, "g", &err), 1);
	assert_int_equal(db_batch_item_end(f->db, 1, &err), 1);
	OK(db_batch_commit(f->db, &e_));
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count_rows(f->db, NULL), 3); /* 1, 4 and 7 */

	/* an aborted batch keeps nothing, and the connection works afterwards */
	OK(db_batch_begin(f->db, &e_));
	OK(db_batch_item_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 8, "h", &err), 1);
	db_batch_abort(f->db);
	assert_int_equal(count_rows(f->db, NULL), 3);
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 9, "i", &err), 1);
	OK(db_commit(f->db, &e_));
	assert_int_equal(count_rows(f->db, NULL), 4);
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	char dest[600];

	make_table(f->db);
	for (int i = 1; i <= 50; i++)
		assert_int_equal(insert(f->db, i, "数据", &err), 1);
	snprintf(dest, sizeof(dest), "%s/backup-%d.%s", tmpdir, fixture_seq, f->pg ? "dump" : "db");
	OK(db_begin(f->db, &e_));
	assert_int_equal(db_backup(f->db, dest, &err), KF_EINVAL); /* not inside a tx */
	db_rollback(f->db);
	OK(db_backup(f->db, dest, &e_));

	struct stat sb;
	assert_int_equal(stat(dest, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	char tmp[640];
	snprintf(tmp, sizeof(tmp), "%s.tmp", dest);
	assert_int_equal(access(tmp, F_OK), -1);
	if (f->pg) {
		char magic[5] = "";
		FILE *fp = fopen(dest, "rb");
		assert_non_null(fp);
		assert_int_equal(fread(magic, 1, 5, fp), 5);
		fclose(fp);
		assert_memory_equal(magic, "PGDMP", 5);
		return;
	}
	/* The copy is a kefu database holding the rows. */
	struct db *copy = NULL;
	struct db_options opt = test_options();
	opt.create = 0;
	OK(db_open(dest, &opt, &copy, &e_));
	assert_int_equal(count_rows(copy, NULL), 50);
	int version = 0;
	OK(migrate_current(copy, &version, &e_));
	assert_int_equal(version, migrate_latest());
	db_close(copy);
}

struct thread_arg {
	struct store *st;
	struct db *db; /* what store_db returned */
	struct db *db_again; /* and the second time */
	int ok;
};

static void *thread_store_db(void *p)
{
	struct thread_arg *a = p;
	struct kf_error err = KF_ERROR_INIT;
	a->db = store_db(a->st, &err);
	a->db_again = store_db(a->st, &err);
	int64_t v = 0;
	static struct db_sql one = DB_SQL("SELECT 1");
	a->ok = a->db && db_query_int(a->db, &one, DB_NOARGS, &v, &err) == 0 && v == 1;
	return NULL;
}

static void test_thread_connections(void **state)
{
	struct fx *f = *state;
	struct thread_arg a[2] = { { .st = f->st }, { .st = f->st } };
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_store_db, &a[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < 2; i++) {
		assert_true(a[i].ok);
		assert_ptr_equal(a[i].db, a[i].db_again);
		assert_ptr_not_equal(a[i].db, f->db);
	}
	assert_ptr_not_equal(a[0].db, a[1].db);
	struct kf_error err = KF_ERROR_INIT;
	assert_ptr_equal(store_db(f->st, &err), f->db);
}

#define RACE_THREADS 8
#define RACE_STMTS 16

struct race {
	int arrived; /* threads ready; all go when it hits RACE_THREADS */
	int next_id; /* hands each thread its own starting statement */
	struct store *st;
	struct db_sql q[RACE_STMTS]; /* fresh: slot 0 until the race */
	char text[RACE_STMTS][32];
	int failures; /* updated atomically */
};

static struct db_sql race_shared = DB_SQL("SELECT $1 * 2");

static void *race_thread(void *p)
{
	struct race *rc = p;
	struct kf_error err = KF_ERROR_INIT;
	struct db *db = store_db(rc->st, &err);
	int bad = db == NULL;
	int first = __atomic_fetch_add(&rc->next_id, 1, __ATOMIC_RELAXED);
	/* A spinning start line: a pthread barrier wakes sleepers too slowly
	 * for the first uses to overlap. */
	__atomic_add_fetch(&rc->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&rc->arrived, __ATOMIC_ACQUIRE) < RACE_THREADS)
		;
	/* Threads start on different statements, so first uses of different
	 * statements race with each other, and later ones with the same. */
	for (int round = 0; round < 3 && db; round++) {
		for (int j = 0; j < RACE_STMTS; j++) {
			int k = (first + j) % RACE_STMTS;
			int64_t v = -1;
			if (db_query_int(db, &rc->q[k], DB_ARGS(db_int(100)), &v, &err) < 0 || v != 100 + k)
				bad++;
		}
		int64_t v = -1;
		if (db_query_int(db, &race_shared, DB_ARGS(db_int(21)), &v, &err) < 0 || v != 42)
			bad++;
	}
	__atomic_add_fetch(&rc->failures, bad, __ATOMIC_RELAXED);
	return NULL;
}

/* One race of RACE_THREADS threads over RACE_STMTS statements never used before. */
static void race_once(struct store *st)
{
	struct race *rc = calloc(1, sizeof(*rc));
	pthread_t t[RACE_THREADS];

	assert_non_null(rc);
	rc->st = st;
	for (int k = 0; k < RACE_STMTS; k++) {
		snprintf(rc->text[k], sizeof(rc->text[k]), "SELECT $1 + %d", k);
		rc->q[k].text = rc->text[k];
		rc->q[k].slot = 0;
	}
	for (int i = 0; i < RACE_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race_thread, rc), 0);
	for (int i = 0; i < RACE_THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(rc->failures, 0);
	for (int k = 0; k < RACE_STMTS; k++) {
		assert_true(rc->q[k].slot > 0);
		assert_int_not_equal(rc->q[k].slot, race_shared.slot);
		for (int j = 0; j < k; j++)
			assert_int_not_equal(rc->q[k].slot, rc->q[j].slot);
	}
	free(rc);
}

/* Threads racing on the first use of statements agree on distinct slots. */
static void test_slot_race(void **state)
{
	struct fx *f = *state;
	for (int rep = 0; rep < 5; rep++)
		race_once(f->st);
}

static void test_time_accounting(void **state)
{
	struct fx *f = *state;
	static struct db_sql q = DB_SQL("SELECT $1");
	uint64_t before = db_thread_time_us();
	int64_t v = 0;
	for (int i = 0; i < 200; i++)
		OK(db_query_int(f->db, &q, DB_ARGS(db_int(i)), &v, &e_));
	assert_true(db_thread_time_us() > before);
}

/* Two stores in one thread each hand out their own connection. */
static void test_two_stores(void **state)
{
	struct fx *f = *state;
	struct fx *g = fx_new(f->pg);
	struct kf_error err = KF_ERROR_INIT;

	fx_open(g);
	make_table(f->db);
	assert_int_equal(insert(f->db, 1, "in f", &err), 1);
	assert_ptr_equal(store_db(f->st, &err), f->db);
	assert_ptr_equal(store_db(g->st, &err), g->db);
	assert_ptr_not_equal(f->db, g->db);
	assert_ptr_equal(store_db(f->st, &err), f->db);

	/* A store opened where a closed one was must not inherit its connection. */
	store_close(g->st);
	g->st = NULL;
	struct db_options opt = test_options();
	OK(store_open(g->url, &opt, &g->st, &e_));
	struct db *db = store_db(g->st, &err);
	assert_non_null(db);
	assert_ptr_not_equal(db, f->db);
	assert_int_equal(count_rows(store_db(f->st, &err), NULL), 1);
	void *gs = g;
	teardown(&gs);
}

/* ---- identity: SQLite ---------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	fclose(fp);
	*len = b.len;
	return buf_detach(&b, len);
}

static void assert_no_sidecars(const char *path)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal" };
	char side[600];
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(side, sizeof(side), "%s%s", path, suffix[i]);
		if (access(side, F_OK) == 0)
			fail_msg("%s was created", side);
	}
}

/* db_open and store_open both refuse path with code and a message holding want. */
static void assert_refused(const char *url, int code, const char *want)
{
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = test_options();
	struct db *db = NULL;
	struct store *st = NULL;
	assert_int_equal(db_open(url, &opt, &db, &err), code);
	assert_null(db);
	if (!strstr(err.message, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, want);
	memset(&err, 0, sizeof(err));
	assert_int_equal(store_open(url, &opt, &st, &err), code);
	assert_null(st);
}

static void sqlite_raw(const char *path, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

static void test_sqlite_foreign(void **state)
{
	struct fx *f = *state;
	sqlite_raw(f->path, "CREATE TABLE foo (x INTEGER); INSERT INTO foo VALUES (42);");
	size_t n0 = 0, n1 = 0;
	char *before = slurp(f->path, &n0);
	assert_refused(f->url, KF_EFOREIGN, "is not a kefu database");
	assert_refused(f->path, KF_EFOREIGN, "is not a kefu database");
	char *after = slurp(f->path, &n1);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
	assert_no_sidecars(f->path);
	free(before);
	free(after);
}

static void test_sqlite_not_a_database(void **state)
{
	struct fx *f = *state;
	FILE *fp = fopen(f->path, "wb");
	assert_non_null(fp);
	fputs("hello", fp);
	fclose(fp);
	assert_refused(f->url, KF_EFOREIGN, "is not a SQLite database");
	size_t n = 0;
	char *bytes = slurp(f->path, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(bytes, "hello", 5);
	assert_no_sidecars(f->path);
	free(bytes);
}

static void test_sqlite_newer(void **state)
{
	struct fx *f = *state;
	char sql[64];
	fx_open(f);
	store_close(f->st);
	f->st = NULL;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", migrate_latest() + 1);
	sqlite_raw(f->path, sql);
	size_t n0 = 0, n1 = 0;
	char *before = slurp(f->path, &n0);
	assert_refused(f->url, KF_EFOREIGN, "written by a newer kefu");
	char *after = slurp(f->path, &n1);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
	free(before);
	free(after);
}

static void test_sqlite_missing(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = DB_OPTIONS_INIT;
	struct db *db = NULL;
	assert_int_equal(db_open(f->url, &opt, &db, &err), KF_ENOTFOUND);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(db_open("sqlite:", &opt, &db, &err), KF_EINVAL);
	assert_int_equal(db_open("", &opt, &db, &err), KF_EINVAL);
}

/* A plain path is SQLite; a libpq key=value string goes to PostgreSQL. */
static void test_url_dispatch(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = test_options();
	struct db *db = NULL;
	OK(db_open(f->path, &opt, &db, &e_));
	assert_string_equal(db_dialect(db), "sqlite");
	db_close(db);
	db = NULL;
	assert_int_equal(db_open("host=/nonexistent-kefu-dir dbname=x connect_timeout=2", &opt, &db, &err),
	                 KF_EDB);
	assert_non_null(strstr(err.message, "postgres"));
	assert_null(db);
}

/* Every migration number exists for both dialects, from 1 without gaps. */
static void test_migration_files(void **state)
{
	(void)state;
	static const char *const dirs[] = { "sqlite/", "pg/" };
	int latest = migrate_latest();
	for (size_t d = 0; d < 2; d++) {
		for (int v = 1; v <= latest; v++) {
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "%s%04d_", dirs[d], v);
			int found = 0;
			for (const struct embed_file *e = embed_migrations; e->path; e++)
				found += strncmp(e->path, prefix, strlen(prefix)) == 0;
			if (found != 1)
				fail_msg("%s*: %d files", prefix, found);
		}
	}
}

/* ---- identity: PostgreSQL ------------------------------------------------ */

static void test_pg_foreign(void **state)
{
	struct fx *f = *state;
	char sql[256];
	snprintf(sql, sizeof(sql), "CREATE TABLE %s.foo (x integer); INSERT INTO %s.foo VALUES (42)",
	         f->schema, f->schema);
	pg_admin_exec(sql);
	assert_refused(f->url, KF_EFOREIGN, "is not a kefu database");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s'",
	         f->schema);
	PGresult *res = PQexec(pg_admin, sql);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(res, 0, 0), "1"); /* foo only: nothing created */
	PQclear(res);
}

static void test_pg_newer(void **state)
{
	struct fx *f = *state;
	char sql[256];
	fx_open(f);
	store_close(f->st);
	f->st = NULL;
	snprintf(sql, sizeof(sql), "UPDATE %s.kefu_meta SET value = '%d' WHERE key = 'schema_version'",
	         f->schema, migrate_latest() + 1);
	pg_admin_exec(sql);
	assert_refused(f->url, KF_EFOREIGN, "written by a newer kefu");
}

/* Terminate the server process behind db (through the admin connection). */
static void pg_kill_backend(struct db *db)
{
	static struct db_sql q_pid = DB_SQL("SELECT pg_backend_pid()");
	int64_t pid = 0;
	char sql[96];
	OK(db_query_int(db, &q_pid, DB_NOARGS, &pid, &e_));
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%lld, 5000)", (long long)pid);
	PGresult *res = PQexec(pg_admin, sql);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
}

/* A lost connection fails the call that finds out; the next call reconnects. */
static void test_pg_reconnect(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql q = DB_SQL("SELECT $1 + 1");
	int64_t v = 0;

	make_table(f->db);
	OK(db_query_int(f->db, &q, DB_ARGS(db_int(1)), &v, &e_));
	pg_kill_backend(f->db);
	assert_int_equal(db_query_int(f->db, &q, DB_ARGS(db_int(1)), &v, &err), KF_EDB);
	OK(db_query_int(f->db, &q, DB_ARGS(db_int(2)), &v, &e_));
	assert_int_equal(v, 3); /* prepared again on the new session */

	/* Inside a transaction nothing is retried, and the commit fails. */
	OK(db_begin(f->db, &e_));
	assert_int_equal(insert(f->db, 1, "lost", &err), 1);
	pg_kill_backend(f->db);
	assert_true(insert(f->db, 2, "lost", &err) < 0);
	assert_true(insert(f->db, 3, "lost", &err) < 0);
	assert_int_equal(db_commit(f->db, &err), KF_EDB);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count_rows(f->db, NULL), 0);
}

/* The argument builder: filled past its capacity it keeps what fitted, marks
 * itself, and the statement it is given fails with KF_EINVAL and binds nothing. */
static void test_argv_overflow(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql ins = DB_SQL("INSERT INTO t (id, s) VALUES ($1, $2)");
	static struct db_sql sum = DB_SQL("SELECT $1 + $2");

	make_table(f->db);
	DB_ARGV(ok, 2);
	db_argv_add(&ok, db_int(1));
	db_argv_add(&ok, db_text("one"));
	assert_int_equal(ok.n, 2);
	assert_false(ok.overflow);
	assert_int_equal(db_exec(f->db, &ins, DB_ARGV_PASS(&ok), &err), 1);

	DB_ARGV(over, 2);
	db_argv_add(&over, db_int(2));
	db_argv_add(&over, db_text("two"));
	db_argv_add(&over, db_int(3)); /* one too many */
	assert_true(over.overflow);
	assert_int_equal(over.n, 2);
	assert_int_equal(db_exec(f->db, &ins, DB_ARGV_PASS(&over), &err), KF_EINVAL);
	assert_non_null(strstr(err.message, "too many"));
	int64_t v = 0;
	struct kf_error e2 = KF_ERROR_INIT;
	assert_int_equal(db_query_int(f->db, &sum, DB_ARGV_PASS(&over), &v, &e2), KF_EINVAL);
	static struct db_sql count = DB_SQL("SELECT COUNT(*) FROM t");
	OK(db_query_int(f->db, &count, DB_NOARGS, &v, &e_));
	assert_int_equal(v, 1); /* the overflowed insert wrote nothing */
}

/* Named columns: the enum and the SELECT list come from one X-macro. */
/* clang-format off */
#define T_COLS(F, X) \
	F(TT_ID, "id") \
	X(TT_TWICE, "i * 2") \
	X(TT_S, "s")
/* clang-format on */
DB_COLS_ENUM(T_COLS, TT_NCOLS);
_Static_assert(TT_NCOLS == 3, "T_COLS has three columns");

static void test_named_columns(void **state)
{
	struct fx *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql ins = DB_SQL("INSERT INTO t (id, i, s) VALUES ($1, $2, $3)");
	static struct db_sql get = DB_SQL("SELECT " DB_COLS_SQL(T_COLS) " FROM t WHERE id = $1");

	assert_string_equal(DB_COLS_SQL(T_COLS), "id, i * 2, s");
	assert_int_equal(TT_ID, 0);
	assert_int_equal(TT_S, 2);
	make_table(f->db);
	assert_int_equal(db_exec(f->db, &ins, DB_ARGS(db_int(4), db_int(21), db_text("x")), &err), 1);
	struct db_rows *r = NULL;
	OK(db_query(f->db, &get, DB_ARGS(db_int(4)), &r, &e_));
	assert_int_equal(db_next(r, &err), 1);
	assert_int_equal(db_col_int(r, TT_ID), 4);
	assert_int_equal(db_col_int(r, TT_TWICE), 42);
	assert_string_equal(db_col_text(r, TT_S), "x");
	db_done(r);
}

/* ---- running ------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

#define CORE_TESTS(setup, setup_bare) \
	cmocka_unit_test_setup_teardown(test_open_migrate, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_empty_needs_init, setup_bare, teardown), \
	        cmocka_unit_test_setup_teardown(test_types, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_placeholder_order, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_argv_overflow, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_named_columns, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_unique, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_batch, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_backup, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_thread_connections, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_slot_race, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_time_accounting, setup, teardown), \
	        cmocka_unit_test_setup_teardown(test_two_stores, setup, teardown)

static int run_sqlite(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TESTS(setup_sqlite, setup_sqlite_bare),
		cmocka_unit_test_setup_teardown(test_sqlite_foreign, setup_sqlite_bare, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_not_a_database, setup_sqlite_bare, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_newer, setup_sqlite_bare, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_missing, setup_sqlite_bare, teardown),
		cmocka_unit_test_setup_teardown(test_url_dispatch, setup_sqlite_bare, teardown),
		cmocka_unit_test(test_migration_files),
	};
	return cmocka_run_group_tests_name("store/sqlite", tests, NULL, NULL);
}

static int run_pg(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TESTS(setup_pg, setup_pg_bare),
		cmocka_unit_test_setup_teardown(test_pg_foreign, setup_pg_bare, teardown),
		cmocka_unit_test_setup_teardown(test_pg_newer, setup_pg_bare, teardown),
		cmocka_unit_test_setup_teardown(test_pg_reconnect, setup_pg, teardown),
	};
	pg_admin = PQconnectdb(pg_base_url);
	if (PQstatus(pg_admin) != CONNECTION_OK) {
		fprintf(stderr, "test_store: cannot connect to KF_TEST_PG_URL: %s", PQerrorMessage(pg_admin));
		PQfinish(pg_admin);
		return 1;
	}
	PGresult *res = PQexec(pg_admin, "SET client_min_messages = warning");
	PQclear(res);
	int failed = cmocka_run_group_tests_name("store/postgres", tests, NULL, NULL);
	PQfinish(pg_admin);
	return failed;
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	int failed = run_sqlite();
	pg_base_url = getenv("KF_TEST_PG_URL");
	if (pg_base_url && *pg_base_url)
		failed += run_pg();
	else
		printf("test_store: PG part not run because KF_TEST_PG_URL is unset "
		       "(scripts/with-pg.sh sets it)\n");
	fflush(stdout);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return failed ? 1 : 0;
}
