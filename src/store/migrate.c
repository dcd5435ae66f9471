/*
 * migrate.c - applying the embedded migrations (see migrate.h).
 *
 * Migration files are "DIALECT/NNNN_name.sql" in embed_migrations; both
 * dialects carry the same numbers, 1..latest without gaps.  Each step runs
 * in one transaction: take the migration lock, re-read the version (another
 * process may have got there first), run the script, record the version.
 * On SQLite BEGIN IMMEDIATE is the lock; on PostgreSQL a transaction-scoped
 * advisory lock.  What differs between the dialects sits in one table.
 */
#include "store/migrate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/str.h"
#include "store/db.h"

static struct db_sql sql_user_version = DB_SQL("PRAGMA user_version");
static struct db_sql sql_meta_exists = DB_SQL(
        "SELECT count(*) FROM pg_catalog.pg_class c"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = 'kefu_meta'");
static struct db_sql sql_meta_get = DB_SQL("SELECT value FROM kefu_meta WHERE key = $1");
static struct db_sql sql_meta_put = DB_SQL("INSERT INTO kefu_meta (key, value) VALUES ($1, $2)"
                                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
/* The key is MIGRATE_APP_ID, so no other application's lock collides by chance. */
static struct db_sql sql_pg_lock = DB_SQL("SELECT pg_advisory_xact_lock(1262830165)");

/* ---- the embedded files -------------------------------------------------- */

/* The number of "DIR/NNNN_name.sql" if path is such a file of dir, else 0. */
static int migration_number(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strncmp(path, dir, n) != 0 || path[n] != '/')
		return 0;
	const char *p = path + n + 1;
	int version = 0;
	for (int i = 0; i < 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		version = version * 10 + (p[i] - '0');
	}
	size_t len = strlen(p);
	if (p[4] != '_' || len < 9 || strcmp(p + len - 4, ".sql") != 0)
		return 0;
	return version;
}

static const struct embed_file *migration_find(const char *dir, int version)
{
	for (const struct embed_file *f = embed_migrations; f->path; f++)
		if (migration_number(f->path, dir) == version)
			return f;
	return NULL;
}

static int dir_latest(const char *dir)
{
	int latest = 0;
	for (const struct embed_file *f = embed_migrations; f->path; f++) {
		int v = migration_number(f->path, dir);
		if (v > latest)
			latest = v;
	}
	return latest;
}

int migrate_latest(void)
{
	int latest = dir_latest("sqlite");
	if (dir_latest("pg") != latest)
		KF_BUG("migrations: sqlite/ and pg/ end at different numbers");
	return latest;
}

/* ---- kefu_meta ----------------------------------------------------------- */

/* 'schema_version' from kefu_meta; 0 if the row is missing. */
static int meta_version(struct db *db, int *version, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &sql_meta_get, DB_ARGS(db_text("schema_version")), &r, err);
	if (rc < 0)
		goto out;
	rc = db_next(r, err);
	if (rc <= 0) {
		*version = 0;
		goto out;
	}
	const char *text = db_col_text(r, 0);
	char *end = NULL;
	errno = 0;
	long v = text ? strtol(text, &end, 10) : -1;
	if (!text || end == text || *end || errno || v < 0 || v > 9999) {
		rc = kf_fail(err, KF_EFOREIGN, NULL, NULL,
		             "kefu_meta holds a schema_version that is not a number");
		goto out;
	}
	*version = (int)v;
	rc = 0;
out:
	db_done(r);
	return rc;
}

static int meta_put(struct db *db, const char *key, const char *value, struct kf_error *err)
{
	int rc = db_exec(db, &sql_meta_put, DB_ARGS(db_text(key), db_text(value)), err);
	return rc < 0 ? rc : 0;
}

static int meta_record(struct db *db, int version, struct kf_error *err)
{
	char v[16];
	snprintf(v, sizeof(v), "%d", version);
	int rc = meta_put(db, "app", "kefu", err);
	if (rc < 0)
		return rc;
	return meta_put(db, "schema_version", v, err);
}

/* ---- what differs between the dialects ----------------------------------- */

static int sqlite_current(struct db *db, int *version, struct kf_error *err)
{
	int64_t v = 0;
	int rc = db_query_int(db, &sql_user_version, DB_NOARGS, &v, err);
	if (rc < 0)
		return rc;
	*version = (int)v;
	return 0;
}

/* BEGIN IMMEDIATE already holds the write lock. */
static int sqlite_lock(struct db *db, struct kf_error *err)
{
	(void)db;
	(void)err;
	return 0;
}

/* The file header: what the sqlite backend checks before writing. */
static int sqlite_record(struct db *db, int version, struct kf_error *err)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d;", MIGRATE_APP_ID,
	         version);
	return db_exec_script(db, sql, err);
}

static int pg_current(struct db *db, int *version, struct kf_error *err)
{
	int64_t exists = 0;
	int rc = db_query_int(db, &sql_meta_exists, DB_NOARGS, &exists, err);
	if (rc < 0)
		return rc;
	if (exists == 0) {
		*version = 0;
		return 0;
	}
	return meta_version(db, version, err);
}

static int pg_lock(struct db *db, struct kf_error *err)
{
	int rc = db_exec(db, &sql_pg_lock, DB_NOARGS, err);
	return rc < 0 ? rc : 0;
}

/* kefu_meta is the whole record on PostgreSQL. */
static int pg_record(struct db *db, int version, struct kf_error *err)
{
	(void)db;
	(void)version;
	(void)err;
	return 0;
}

static const struct dialect {
	const char *name; /* db_dialect() */
	const char *dir; /* folder of its files under migrations/ */
	int (*current)(struct db *db, int *version, struct kf_error *err);
	int (*lock)(struct db *db, struct kf_error *err); /* inside the step's tx */
	int (*record)(struct db *db, int version, struct kf_error *err); /* besides kefu_meta */
} dialects[] = {
	{ "sqlite", "sqlite", sqlite_current, sqlite_lock, sqlite_record },
	{ "postgres", "pg", pg_current, pg_lock, pg_record },
};

static const struct dialect *dialect_of(struct db *db)
{
	const char *name = db_dialect(db);
	for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
		if (strcmp(dialects[i].name, name) == 0)
			return &dialects[i];
	KF_BUG("migrate: unknown dialect");
}

int migrate_current(struct db *db, int *version, struct kf_error *err)
{
	return dialect_of(db)->current(db, version, err);
}

/* ---- applying ------------------------------------------------------------ */

/* Put "migration PATH failed: " in front of err's message. */
static int step_failed(struct kf_error *err, int rc, const char *path)
{
	if (!err)
		return rc;
	char why[KF_ERR_MSG_MAX];
	str_copy(why, sizeof(why), err->message);
	return kf_fail(err, rc, NULL, NULL, "migration %s failed: %s", path, why);
}

/* The body of one step's transaction; *ran = 0 if someone else applied it. */
static int step_body(struct db *db, const struct dialect *d, int version, const struct embed_file *f,
                     int *ran, struct kf_error *err)
{
	int current = 0;
	*ran = 0;
	int rc = d->lock(db, err);
	if (rc < 0)
		return rc;
	rc = d->current(db, &current, err);
	if (rc < 0 || current >= version)
		return rc;
	rc = db_exec_script(db, (const char *)f->data, err);
	if (rc < 0)
		return step_failed(err, rc, f->path);
	rc = d->record(db, version, err);
	if (rc < 0)
		return rc;
	rc = meta_record(db, version, err);
	if (rc < 0)
		return rc;
	*ran = 1;
	return 0;
}

static int step(struct db *db, const struct dialect *d, int version, int *ran, struct kf_error *err)
{
	const struct embed_file *f = migration_find(d->dir, version);
	if (!f)
		KF_BUG("migrations: a number is missing");
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = step_body(db, d, version, f, ran, err);
	return db_finish(db, rc, err);
}

int migrate_apply(struct db *db, int *applied, struct kf_error *err)
{
	const struct dialect *d = dialect_of(db);
	int latest = migrate_latest(), current = 0, count = 0;
	int rc = d->current(db, &current, err);
	if (rc < 0)
		goto out;
	if (current > latest) {
		rc = kf_fail(err, KF_EFOREIGN, NULL, NULL,
		             "the database was written by a newer kefu (schema %d, this kefu knows %d)",
		             current, latest);
		goto out;
	}
	for (int v = current + 1; v <= latest; v++) {
		int ran = 0;
		rc = step(db, d, v, &ran, err);
		if (rc < 0)
			goto out;
		count += ran;
	}
out:
	if (applied)
		*applied = count;
	return rc;
}
