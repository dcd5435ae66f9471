/*
 * throttle.c - see throttle.h.
 */
#include "auth/throttle.h"

#include "store/db.h"

/* Every count statement here reads a count and a time: one shape, four texts. */
enum { TALLY_COUNT, TALLY_TIME, TALLY_NCOLS };
_Static_assert(TALLY_NCOLS == 2, "SELECT COUNT(*), <time> in every q_count_* and q_pair/q_by_*/q_known");
static struct db_sql q_count_login = DB_SQL(
        "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failures WHERE login = $1 AND at > $2");
static struct db_sql q_count_addr = DB_SQL(
        "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failures WHERE addr = $1 AND at > $2");
static struct db_sql q_insert = DB_SQL("INSERT INTO login_failures (at, login, addr) VALUES ($1, $2, $3)");
static struct db_sql q_prune = DB_SQL("DELETE FROM login_failures WHERE at <= $1");
static struct db_sql q_clear = DB_SQL("DELETE FROM login_failures WHERE login = $1");

static int wait_for(const struct throttle_count *c, int max, int64_t now, int window_s)
{
	if (max <= 0 || c->failures < max)
		return 0;
	int64_t w = c->oldest + window_s - now;
	return w < 1 ? 1 : (int)w;
}

int throttle_wait(const struct throttle_count *account, const struct throttle_count *addr, int64_t now,
                  const struct throttle_limits *lim)
{
	int a = wait_for(account, lim->per_account, now, lim->window_s);
	int b = wait_for(addr, lim->per_addr, now, lim->window_s);
	return a > b ? a : b;
}

static int count(struct db *db, struct db_sql *q, const char *key, int64_t since, struct throttle_count *c,
                 struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, DB_ARGS(db_text(key), db_int(since)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		c->failures = (int)db_col_int(r, TALLY_COUNT);
		c->oldest = db_col_int(r, TALLY_TIME);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int throttle_check(struct db *db, const char *login, const char *addr, int64_t now,
                   const struct throttle_limits *lim, int *wait_s, struct kf_error *err)
{
	struct throttle_count acc = { 0, 0 }, ad = { 0, 0 };
	int64_t since = now - lim->window_s;
	int rc = count(db, &q_count_login, login, since, &acc, err);
	if (rc == 0)
		rc = count(db, &q_count_addr, addr, since, &ad, err);
	*wait_s = rc == 0 ? throttle_wait(&acc, &ad, now, lim) : 0;
	return rc;
}

int throttle_fail(struct db *db, const char *login, const char *addr, int64_t now,
                  const struct throttle_limits *lim, struct kf_error *err)
{
	int rc = db_exec(db, &q_prune, DB_ARGS(db_int(now - lim->window_s)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_insert, DB_ARGS(db_int(now), db_text(login), db_text(addr)), err);
	return rc < 0 ? rc : 0;
}

int throttle_clear(struct db *db, const char *login, struct kf_error *err)
{
	int rc = db_exec(db, &q_clear, DB_ARGS(db_text(login)), err);
	return rc < 0 ? rc : 0;
}

/* ---- sign-in -------------------------------------------------------------- */

static struct db_sql q_pair = DB_SQL("SELECT COUNT(*), COALESCE(MAX(at_ms), 0) FROM signin_failures"
                                     " WHERE login = $1 AND addr = $2 AND at_ms > $3");
static struct db_sql q_by_addr = DB_SQL(
        "SELECT COUNT(*), COALESCE(MAX(at_ms), 0) FROM signin_failures WHERE addr = $1 AND at_ms > $2");
static struct db_sql q_by_login = DB_SQL(
        "SELECT COUNT(*), COALESCE(MAX(at_ms), 0) FROM signin_failures WHERE login = $1 AND at_ms > $2");
static struct db_sql q_known = DB_SQL(
        "SELECT COUNT(*), 0 FROM signin_known WHERE login = $1 AND addr = $2 AND at > $3");
static struct db_sql q_fail_prune = DB_SQL("DELETE FROM signin_failures WHERE at_ms <= $1");
static struct db_sql q_fail_add = DB_SQL(
        "INSERT INTO signin_failures (at_ms, login, addr) VALUES ($1, $2, $3) RETURNING id");
static struct db_sql q_fail_stamp = DB_SQL("UPDATE signin_failures SET at_ms = $2 WHERE id = $1");
static struct db_sql q_ok_forget = DB_SQL("DELETE FROM signin_failures WHERE login = $1 AND addr = $2");
static struct db_sql q_ok_known = DB_SQL("INSERT INTO signin_known (login, addr, at) VALUES ($1, $2, $3)"
                                         " ON CONFLICT (login, addr) DO UPDATE SET at = excluded.at");
static struct db_sql q_known_prune = DB_SQL("DELETE FROM signin_known WHERE at <= $1");

int64_t throttle_delay_ms(int failures, int threshold, int max_delay_s)
{
	if (threshold <= 0 || failures < threshold)
		return 0;
	int doublings = failures - threshold;
	int64_t cap = (int64_t)max_delay_s * 1000;
	int64_t d = 1000LL << (doublings > 30 ? 30 : doublings);
	return d < cap ? d : cap;
}

/* How long one key still waits: its delay counted from its last failure. */
static int64_t tally_wait(const struct login_tally *t, int threshold, int64_t now_ms, int max_delay_s)
{
	int64_t w = t->last_ms + throttle_delay_ms(t->failures, threshold, max_delay_s) - now_ms;
	return t->failures >= threshold && threshold > 0 && w > 0 ? w : 0;
}

int64_t throttle_login_wait_ms(const struct login_seen *s, int64_t now_ms, const struct login_limits *lim)
{
	int64_t w = tally_wait(&s->pair, lim->per_pair, now_ms, lim->max_delay_s);
	if (s->known)
		return w;
	int64_t a = tally_wait(&s->addr, lim->per_addr, now_ms, lim->max_delay_s);
	int64_t l = tally_wait(&s->login, lim->per_login, now_ms, lim->max_delay_s);
	w = a > w ? a : w;
	return l > w ? l : w;
}

/* One "SELECT COUNT(*), MAX(...)" over args into t. */
static int tally(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, struct login_tally *t,
                 struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, args, nargs, &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		t->failures = (int)db_col_int(r, TALLY_COUNT);
		t->last_ms = db_col_int(r, TALLY_TIME);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int login_seen_load(struct db *db, const char *login, const char *addr, int64_t now_ms,
                           const struct login_limits *lim, struct login_seen *s, struct kf_error *err)
{
	int64_t since = now_ms - (int64_t)lim->window_s * 1000;
	int64_t known_since = now_ms / 1000 - (int64_t)THROTTLE_KNOWN_DAYS * 86400;
	struct login_tally known = { 0, 0 };
	int rc = tally(db, &q_pair, DB_ARGS(db_text(login), db_text(addr), db_int(since)), &s->pair, err);
	if (rc == 0)
		rc = tally(db, &q_by_addr, DB_ARGS(db_text(addr), db_int(since)), &s->addr, err);
	if (rc == 0)
		rc = tally(db, &q_by_login, DB_ARGS(db_text(login), db_int(since)), &s->login, err);
	if (rc == 0)
		rc = tally(db, &q_known, DB_ARGS(db_text(login), db_text(addr), db_int(known_since)), &known,
		           err);
	s->known = known.failures > 0;
	return rc;
}

int throttle_login_begin(struct db *db, const char *login, const char *addr, int64_t now_ms,
                         const struct login_limits *lim, int64_t *wait_ms, int64_t *pending,
                         struct kf_error *err)
{
	struct login_seen s = { { 0, 0 }, { 0, 0 }, { 0, 0 }, 0 };
	*wait_ms = 0;
	int rc = login_seen_load(db, login, addr, now_ms, lim, &s, err);
	if (rc < 0)
		return rc;
	*wait_ms = throttle_login_wait_ms(&s, now_ms, lim);
	if (*wait_ms > 0)
		return 0;
	rc = db_exec(db, &q_fail_prune, DB_ARGS(db_int(now_ms - (int64_t)lim->window_s * 1000)), err);
	if (rc >= 0)
		rc = db_query_int(db, &q_fail_add, DB_ARGS(db_int(now_ms), db_text(login), db_text(addr)),
		                  pending, err);
	return rc < 0 ? rc : 0;
}

int throttle_login_failed(struct db *db, int64_t pending, int64_t now_ms, struct kf_error *err)
{
	int rc = db_exec(db, &q_fail_stamp, DB_ARGS(db_int(pending), db_int(now_ms)), err);
	return rc < 0 ? rc : 0;
}

int throttle_login_ok(struct db *db, const char *login, const char *addr, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_ok_forget, DB_ARGS(db_text(login), db_text(addr)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_known_prune, DB_ARGS(db_int(now - (int64_t)THROTTLE_KNOWN_DAYS * 86400)),
		             err);
	if (rc >= 0)
		rc = db_exec(db, &q_ok_known, DB_ARGS(db_text(login), db_text(addr), db_int(now)), err);
	return rc < 0 ? rc : 0;
}
