/*
 * pg.c - the PostgreSQL backend of the store (see db.h, store_int.h).
 *
 * One PGconn per struct db.  Opening checks whose database it is before
 * anything can write: a schema with tables but no kefu_meta saying
 * app = 'kefu', or one whose schema_version is newer than this build, is
 * refused with KF_EFOREIGN.  The session speaks UTF-8 and UTC.
 *
 * Each statement is prepared once per server session as "s<slot>", with
 * parameter types taken from the first call (int8 for integers, float8 for
 * reals, bytea for blobs, the server's inference for text and NULL), so
 * that integer arithmetic on parameters works as it does in SQLite.
 * Parameters travel as text, except blobs (binary); results come back as
 * text and db_col_* parse them.  A whole result is held in memory.
 *
 * A connection found broken at the start of a call is reset once (PQreset),
 * outside a transaction only; statements are prepared again afterwards.
 * A call that fails because the connection broke is not retried: it may
 * have been applied.
 */
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "store/migrate.h"
#include "store/store_int.h"

/* Type OIDs from the server's catalog/pg_type.dat (stable since forever). */
enum {
	PG_BOOLOID = 16,
	PG_BYTEAOID = 17,
	PG_INT8OID = 20,
	PG_FLOAT8OID = 701,
};

struct pg_db {
	struct db db; /* first, for pg_downcast */
	PGconn *conn; /* the connection */
	unsigned session; /* bumped by each reset: earlier PQprepares are gone */
	struct buf scratch; /* the current call's parameters formatted as text */
	int pcap; /* length of the five arrays below */
	const char **vals; /* parameter values for libpq */
	int *lens; /* their lengths (binary ones only) */
	int *fmts; /* 0 text, 1 binary */
	Oid *types; /* types for PQprepare; 0 = let the server infer */
	size_t *offs; /* offset into scratch, or SIZE_MAX */
};

struct pg_rows {
	struct db_rows rows; /* first, for rows_downcast */
	char name[16]; /* server-side statement name, "s<slot>" */
	unsigned session; /* session it was prepared in; 0 = not yet */
	PGresult *res; /* the open result, or NULL */
	int row; /* current row; -1 before the first db_next */
	int nrows;
	int ncols;
	char **bytea; /* decoded bytea cells of the current row, by column */
	size_t *bytea_len; /* their lengths */
};

static struct pg_db *pg_downcast(struct db *db)
{
	if (db->ops != &pg_ops)
		KF_BUG("pg backend handed a connection of another backend");
	return (struct pg_db *)db;
}

static struct pg_rows *rows_downcast(struct db_rows *r)
{
	pg_downcast(r->db);
	return (struct pg_rows *)r;
}

/* libpq prints notices to stderr by default; a library must not. */
static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* ---- errors -------------------------------------------------------------- */

static const struct {
	const char *sqlstate; /* PostgreSQL error code */
	int code; /* what kefu makes of it */
} sqlstates[] = {
	{ "23505", KF_EEXIST }, /* unique_violation */
	{ "40001", KF_EBUSY }, /* serialization_failure */
	{ "40P01", KF_EBUSY }, /* deadlock_detected */
	{ "55P03", KF_EBUSY }, /* lock_not_available */
};

static int sqlstate_code(const char *state)
{
	for (size_t i = 0; state && i < sizeof(sqlstates) / sizeof(sqlstates[0]); i++)
		if (strcmp(sqlstates[i].sqlstate, state) == 0)
			return sqlstates[i].code;
	return KF_EDB;
}

/* Fail with res's error (or the connection's if res has none). */
static int pg_fail(struct pg_db *p, const PGresult *res, struct kf_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(p->conn);
	int len = (int)strcspn(msg, "\n");
	return kf_fail(err, sqlstate_code(state), NULL, NULL, "postgres: %.*s", len, msg);
}

/* Run sql (no parameters) expecting want; 0 or the mapped error. */
static int pg_simple(struct pg_db *p, const char *sql, ExecStatusType want, PGresult **keep,
                     struct kf_error *err)
{
	PGresult *res = PQexec(p->conn, sql);
	int rc = PQresultStatus(res) == want ? 0 : pg_fail(p, res, err);
	if (rc == 0 && keep)
		*keep = res;
	else
		PQclear(res);
	return rc;
}

/* ---- the connection ------------------------------------------------------ */

static int pg_session_init(struct pg_db *p, struct kf_error *err)
{
	if (PQsetClientEncoding(p->conn, "UTF8") != 0)
		return pg_fail(p, NULL, err);
	return pg_simple(p, "SET TIME ZONE 'UTC'", PGRES_COMMAND_OK, NULL, err);
}

static int pg_reset(struct pg_db *p, struct kf_error *err)
{
	PQreset(p->conn);
	p->session++;
	if (PQstatus(p->conn) != CONNECTION_OK)
		return pg_fail(p, NULL, err);
	return pg_session_init(p, err);
}

/* A broken connection is reset once, but never inside a transaction. */
static int pg_ensure(struct pg_db *p, struct kf_error *err)
{
	if (PQstatus(p->conn) == CONNECTION_OK)
		return 0;
	if (p->db.tx_depth > 0)
		return kf_fail(err, KF_EDB, NULL, NULL,
		               "postgres: the connection was lost inside a transaction");
	return pg_reset(p, err);
}

/* First row of a one-row query as a PGresult to read from. */
static int pg_row(struct pg_db *p, const char *sql, PGresult **out, struct kf_error *err)
{
	int rc = pg_simple(p, sql, PGRES_TUPLES_OK, out, err);
	if (rc == 0 && PQntuples(*out) < 1) {
		PQclear(*out);
		*out = NULL;
		rc = kf_fail(err, KF_EDB, NULL, NULL, "postgres: \"%s\" returned no row", sql);
	}
	return rc;
}

/* The app and schema_version rows of kefu_meta; either may be NULL. */
static int pg_meta(struct pg_db *p, PGresult **out, struct kf_error *err)
{
	return pg_row(p,
	              "SELECT (SELECT value FROM kefu_meta WHERE key = 'app'),"
	              " (SELECT value FROM kefu_meta WHERE key = 'schema_version')",
	              out, err);
}

static int pg_check_version(struct pg_db *p, const char *text, struct kf_error *err)
{
	char *end = NULL;
	errno = 0;
	long version = text ? strtol(text, &end, 10) : 0;
	if (text && (end == text || *end || errno || version < 0))
		return kf_fail(err, KF_EFOREIGN, NULL, NULL,
		               "database \"%s\": kefu_meta holds a schema_version that is not a number",
		               PQdb(p->conn));
	int latest = migrate_latest();
	if (version > latest)
		return kf_fail(err, KF_EFOREIGN, NULL, NULL,
		               "database \"%s\" was written by a newer kefu (schema %ld, this kefu knows %d)",
		               PQdb(p->conn), version, latest);
	return 0;
}

/*
 * Empty, or kefu's and not newer than this build?  Reads only.  pg_class,
 * not information_schema, so tables we have no privilege on count too.
 */
static int pg_check_identity(struct pg_db *p, struct kf_error *err)
{
	PGresult *res = NULL;
	int rc = pg_row(p,
	                "SELECT count(*), count(*) FILTER (WHERE c.relname = 'kefu_meta')"
	                " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
	                &res, err);
	if (rc < 0)
		goto out;
	int tables = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	int has_meta = strcmp(PQgetvalue(res, 0, 1), "0") != 0;
	PQclear(res);
	res = NULL;
	if (!tables)
		goto out;
	if (has_meta)
		rc = pg_meta(p, &res, err);
	if (rc < 0)
		goto out;
	if (!has_meta || PQgetisnull(res, 0, 0) || strcmp(PQgetvalue(res, 0, 0), "kefu") != 0) {
		rc = kf_fail(err, KF_EFOREIGN, NULL, NULL,
		             "database \"%s\" is not a kefu database (it holds other tables)", PQdb(p->conn));
		goto out;
	}
	rc = pg_check_version(p, PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1), err);
out:
	PQclear(res);
	return rc;
}

static void pg_close(struct db *db)
{
	struct pg_db *p = pg_downcast(db);
	PQfinish(p->conn);
	buf_release(&p->scratch);
	free(p->vals);
	free(p->lens);
	free(p->fmts);
	free(p->types);
	free(p->offs);
	free(p);
}

static int pg_open(const char *url, const struct db_options *opt, struct db **out, struct kf_error *err)
{
	struct pg_db *p = xcalloc(1, sizeof(*p));
	int rc = 0;

	(void)opt; /* the options are SQLite's */
	p->db.ops = &pg_ops;
	p->session = 1;
	p->conn = PQconnectdb(url);
	if (!p->conn)
		KF_BUG("PQconnectdb: out of memory");
	if (PQstatus(p->conn) != CONNECTION_OK) {
		rc = pg_fail(p, NULL, err);
		goto out;
	}
	PQsetNoticeProcessor(p->conn, pg_quiet, NULL);
	rc = pg_session_init(p, err);
	if (rc < 0)
		goto out;
	rc = pg_check_identity(p, err);
	if (rc < 0)
		goto out;
	*out = &p->db;
out:
	if (rc < 0)
		pg_close(&p->db);
	return rc;
}

/* ---- parameters ---------------------------------------------------------- */

static void params_grow(struct pg_db *p, int n)
{
	if (n <= p->pcap)
		return;
	p->vals = xreallocarray(p->vals, (size_t)n, sizeof(*p->vals));
	p->lens = xreallocarray(p->lens, (size_t)n, sizeof(*p->lens));
	p->fmts = xreallocarray(p->fmts, (size_t)n, sizeof(*p->fmts));
	p->types = xreallocarray(p->types, (size_t)n, sizeof(*p->types));
	p->offs = xreallocarray(p->offs, (size_t)n, sizeof(*p->offs));
	p->pcap = n;
}

/* Set parameter i from a; text that needs formatting goes to scratch. */
static int param_one(struct pg_db *p, int i, const struct db_arg *a)
{
	p->vals[i] = NULL;
	p->lens[i] = 0;
	p->fmts[i] = 0;
	p->types[i] = 0;
	p->offs[i] = SIZE_MAX;
	size_t at = p->scratch.len;
	int rc = 0;
	switch (a->type) {
	case DB_T_INT:
		p->types[i] = PG_INT8OID;
		rc = buf_addf(&p->scratch, "%lld", (long long)a->i);
		break;
	case DB_T_REAL:
		p->types[i] = PG_FLOAT8OID;
		rc = buf_addf(&p->scratch, "%.17g", a->r);
		break;
	case DB_T_TEXT:
		if (!a->p)
			return 0;
		if (a->n == (size_t)-1) {
			p->vals[i] = a->p;
			return 0;
		}
		rc = buf_add(&p->scratch, a->p, a->n);
		break;
	case DB_T_BLOB:
		if (a->n > INT_MAX)
			return KF_ETOOBIG;
		p->types[i] = PG_BYTEAOID;
		p->fmts[i] = 1;
		p->lens[i] = (int)a->n;
		p->vals[i] = a->n ? a->p : "";
		return 0;
	case DB_T_NULL:
		return 0;
	}
	if (rc == 0)
		rc = buf_addch(&p->scratch, '\0');
	p->offs[i] = at;
	return rc;
}

/* Fill the parameter arrays for args; pointers into scratch come last. */
static int params_fill(struct pg_db *p, const struct db_arg *args, int nargs, struct kf_error *err)
{
	params_grow(p, nargs);
	buf_reset(&p->scratch);
	for (int i = 0; i < nargs; i++)
		if (param_one(p, i, &args[i]) < 0)
			return kf_fail(err, KF_ETOOBIG, NULL, NULL, "postgres: parameter $%d is too large",
			               i + 1);
	for (int i = 0; i < nargs; i++)
		if (p->offs[i] != SIZE_MAX)
			p->vals[i] = p->scratch.p + p->offs[i];
	return 0;
}

/* ---- statements ---------------------------------------------------------- */

static int pg_prepare(struct db *db, const struct db_sql *q, struct db_rows **out, struct kf_error *err)
{
	(void)err; /* the server sees the statement on its first run */
	struct pg_rows *r = xcalloc(1, sizeof(*r));
	r->rows.db = db;
	r->rows.q = q;
	snprintf(r->name, sizeof(r->name), "s%d", q->slot);
	r->row = -1;
	*out = &r->rows;
	return 0;
}

/* Forget the decoded bytea cells of the current row. */
static void bytea_clear(struct pg_rows *r)
{
	if (!r->bytea)
		return;
	for (int i = 0; i < r->ncols; i++)
		free(r->bytea[i]);
	free(r->bytea);
	free(r->bytea_len);
	r->bytea = NULL;
	r->bytea_len = NULL;
}

static void pg_done(struct db_rows *rows)
{
	struct pg_rows *r = rows_downcast(rows);
	bytea_clear(r);
	PQclear(r->res);
	r->res = NULL;
	r->row = -1;
	r->nrows = 0;
	r->ncols = 0;
}

static void pg_finalize(struct db_rows *rows)
{
	pg_done(rows);
	free(rows_downcast(rows));
}

/* PQprepare the statement in this session, typed from this call's args. */
static int pg_prepare_now(struct pg_db *p, struct pg_rows *r, int nargs, struct kf_error *err)
{
	PGresult *res = PQprepare(p->conn, r->name, r->rows.q->text, nargs, p->types);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : pg_fail(p, res, err);
	PQclear(res);
	if (rc == 0)
		r->session = p->session;
	return rc;
}

/* Run the statement with args; *out is the result on success. */
static int pg_run(struct pg_rows *r, const struct db_arg *args, int nargs, PGresult **out, struct kf_error *err)
{
	struct pg_db *p = pg_downcast(r->rows.db);
	int rc = pg_ensure(p, err);
	if (rc < 0)
		return rc;
	rc = params_fill(p, args, nargs, err);
	if (rc < 0)
		return rc;
	if (r->session != p->session) {
		rc = pg_prepare_now(p, r, nargs, err);
		if (rc < 0)
			return rc;
	}
	PGresult *res = PQexecPrepared(p->conn, r->name, nargs, p->vals, p->lens, p->fmts, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_fail(p, res, err);
		PQclear(res);
		return rc;
	}
	*out = res;
	return 0;
}

static int pg_exec(struct db_rows *rows, const struct db_arg *args, int nargs, struct kf_error *err)
{
	PGresult *res = NULL;
	int rc = pg_run(rows_downcast(rows), args, nargs, &res, err);
	if (rc < 0)
		return rc;
	/* PostgreSQL counts the rows a SELECT returned; SQLite and db.h do not. */
	long changed = 0;
	if (strncmp(PQcmdStatus(res), "SELECT", 6) != 0)
		changed = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return changed > INT_MAX ? INT_MAX : (int)changed;
}

static int pg_query(struct db_rows *rows, const struct db_arg *args, int nargs, struct kf_error *err)
{
	struct pg_rows *r = rows_downcast(rows);
	pg_done(rows);
	int rc = pg_run(r, args, nargs, &r->res, err);
	if (rc < 0)
		return rc;
	r->nrows = PQntuples(r->res);
	r->ncols = PQnfields(r->res);
	return 0;
}

static int pg_next(struct db_rows *rows, struct kf_error *err)
{
	struct pg_rows *r = rows_downcast(rows);
	(void)err;
	bytea_clear(r);
	if (r->row < r->nrows)
		r->row++;
	return r->row < r->nrows;
}

/* Is there a current row with column col? */
static int cell_ok(const struct pg_rows *r, int col)
{
	return r->res && r->row >= 0 && r->row < r->nrows && col >= 0 && col < r->ncols;
}

static int pg_col_isnull(struct db_rows *rows, int col)
{
	struct pg_rows *r = rows_downcast(rows);
	return !cell_ok(r, col) || PQgetisnull(r->res, r->row, col);
}

static int64_t pg_col_int(struct db_rows *rows, int col)
{
	struct pg_rows *r = rows_downcast(rows);
	if (pg_col_isnull(rows, col))
		return 0;
	const char *v = PQgetvalue(r->res, r->row, col);
	if (PQftype(r->res, col) == PG_BOOLOID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static double pg_col_real(struct db_rows *rows, int col)
{
	struct pg_rows *r = rows_downcast(rows);
	if (pg_col_isnull(rows, col))
		return 0.0;
	return strtod(PQgetvalue(r->res, r->row, col), NULL);
}

/* Decode a bytea cell once per row; kept NUL-terminated like text. */
static void bytea_decode(struct pg_rows *r, int col)
{
	if (!r->bytea) {
		r->bytea = xcalloc((size_t)r->ncols, sizeof(*r->bytea));
		r->bytea_len = xcalloc((size_t)r->ncols, sizeof(*r->bytea_len));
	}
	if (r->bytea[col])
		return;
	size_t n = 0;
	unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, r->row, col), &n);
	if (!raw)
		KF_BUG("PQunescapeBytea: out of memory");
	r->bytea[col] = xmalloc(n + 1);
	memcpy(r->bytea[col], raw, n);
	r->bytea[col][n] = '\0';
	r->bytea_len[col] = n;
	PQfreemem(raw);
}

static const char *pg_col_text(struct db_rows *rows, int col)
{
	struct pg_rows *r = rows_downcast(rows);
	if (pg_col_isnull(rows, col))
		return NULL;
	if (PQftype(r->res, col) != PG_BYTEAOID)
		return PQgetvalue(r->res, r->row, col);
	bytea_decode(r, col);
	return r->bytea[col];
}

static size_t pg_col_len(struct db_rows *rows, int col)
{
	struct pg_rows *r = rows_downcast(rows);
	if (pg_col_isnull(rows, col))
		return 0;
	if (PQftype(r->res, col) != PG_BYTEAOID)
		return (size_t)PQgetlength(r->res, r->row, col);
	bytea_decode(r, col);
	return r->bytea_len[col];
}

/* ---- transactions and scripts -------------------------------------------- */

static const char *const tx_sql[] = {
	[DB_TX_BEGIN] = "BEGIN",
	[DB_TX_COMMIT] = "COMMIT",
	[DB_TX_ROLLBACK] = "ROLLBACK",
};

static int pg_tx(struct db *db, enum db_tx_verb verb, struct kf_error *err)
{
	struct pg_db *p = pg_downcast(db);
	PGresult *res = NULL;
	if (verb == DB_TX_BEGIN) {
		int rc = pg_ensure(p, err);
		if (rc < 0)
			return rc;
	}
	if (PQstatus(p->conn) != CONNECTION_OK) {
		if (verb == DB_TX_ROLLBACK) /* the server rolled back when it lost us */
			return pg_reset(p, err);
		return kf_fail(err, KF_EDB, NULL, NULL,
		               "postgres: the connection was lost; the transaction was not committed");
	}
	int rc = pg_simple(p, tx_sql[verb], PGRES_COMMAND_OK, &res, err);
	/* COMMIT of a transaction the server aborted answers "ROLLBACK". */
	if (rc == 0 && verb == DB_TX_COMMIT && strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = kf_fail(err, KF_EDB, NULL, NULL, "postgres: the server rolled the transaction back");
	PQclear(res);
	return rc;
}

static int pg_exec_script(struct db *db, const char *sql, struct kf_error *err)
{
	struct pg_db *p = pg_downcast(db);
	int rc = pg_ensure(p, err);
	if (rc < 0)
		return rc;
	PGresult *res = PQexec(p->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : pg_fail(p, res, err);
	PQclear(res);
	return rc;
}

/* ---- backup through pg_dump ---------------------------------------------- */

/* Append " key='value'" to b, quoted as libpq's conninfo wants. */
static int conninfo_add(struct buf *b, const char *key, const char *value)
{
	int rc = buf_addf(b, "%s%s='", b->len ? " " : "", key);
	for (const char *c = value; rc == 0 && *c; c++) {
		if (*c == '\'' || *c == '\\')
			rc = buf_addch(b, '\\');
		if (rc == 0)
			rc = buf_addch(b, *c);
	}
	return rc == 0 ? buf_addch(b, '\'') : rc;
}

/* This connection's parameters without the password (that goes by env). */
static int pg_dump_conninfo(struct pg_db *p, struct buf *out)
{
	PQconninfoOption *opts = PQconninfo(p->conn);
	if (!opts)
		KF_BUG("PQconninfo: out of memory");
	int rc = 0;
	for (PQconninfoOption *o = opts; rc == 0 && o->keyword; o++)
		if (o->val && *o->val && strcmp(o->keyword, "password") != 0)
			rc = conninfo_add(out, o->keyword, o->val);
	PQconninfoFree(opts);
	return rc;
}

/* environ without PGPASSWORD, plus pw (if not NULL) first; free the array only. */
static char **child_env(char *pw)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 2, sizeof(*env));
	size_t k = 0;
	if (pw)
		env[k++] = pw;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PGPASSWORD=", 11) != 0)
			env[k++] = environ[i];
	env[k] = NULL;
	return env;
}

/* Read fd to the end; keep the start of it in msg as one line. */
static void drain(int fd, char *msg, size_t cap)
{
	size_t used = 0;
	char chunk[512];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t take = (size_t)n < cap - 1 - used ? (size_t)n : cap - 1 - used;
		memcpy(msg + used, chunk, take);
		used += take;
	}
	msg[used] = '\0';
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

/* Run argv (pg_dump) with env; wait; KF_EIO with its stderr if it failed. */
static int run_tool(char *const argv[], char *const env[], struct kf_error *err)
{
	char msg[200];
	int fds[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	pid_t pid = 0;
	int status = 0;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return kf_fail(err, KF_EIO, NULL, NULL, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return kf_fail(err, KF_EIO, NULL, NULL, "cannot run %s: %s", argv[0], strerror(rc));
	}
	drain(fds[0], msg, sizeof(msg));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return kf_fail(err, KF_EIO, NULL, NULL, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return kf_fail(err, KF_EIO, NULL, NULL, "%s failed (status %d): %s", argv[0],
	               WIFEXITED(status) ? WEXITSTATUS(status) : -1, msg);
}

/*
 * pg_dump takes its own snapshot, so the archive is consistent while the
 * database is served.  The password travels in PGPASSWORD, not argv.
 */
static int pg_backup(struct db *db, const char *dest, struct kf_error *err)
{
	struct pg_db *p = pg_downcast(db);
	struct buf tmp = BUF_INIT, file = BUF_INIT, dbname = BUF_INIT, pw = BUF_INIT;
	char **env = NULL;

	int rc = store_backup_start(dest, &tmp, err);
	if (rc < 0)
		goto out;
	const char *pass = PQpass(p->conn);
	if (buf_addf(&file, "--file=%s", tmp.p) < 0 || buf_adds(&dbname, "--dbname=") < 0 ||
	    pg_dump_conninfo(p, &dbname) < 0 || (pass && *pass && buf_addf(&pw, "PGPASSWORD=%s", pass) < 0)) {
		rc = kf_fail(err, KF_ETOOBIG, NULL, NULL, "pg_dump arguments too long");
		goto out;
	}
	char prog[] = "pg_dump", format[] = "--format=custom", nopass[] = "--no-password";
	char *argv[] = { prog, format, nopass, file.p, dbname.p, NULL };
	env = child_env(pw.p);
	rc = run_tool(argv, env, err);
out:
	free(env);
	buf_release(&file);
	buf_release(&dbname);
	buf_release(&pw);
	return store_backup_end(&tmp, dest, rc, err);
}

const struct store_ops pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.exec = pg_exec,
	.query = pg_query,
	.next = pg_next,
	.col_isnull = pg_col_isnull,
	.col_int = pg_col_int,
	.col_real = pg_col_real,
	.col_text = pg_col_text,
	.col_len = pg_col_len,
	.done = pg_done,
	.tx = pg_tx,
	.exec_script = pg_exec_script,
	.backup = pg_backup,
};
