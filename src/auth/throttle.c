/*
 * throttle.c - see throttle.h.
 */
#include "auth/throttle.h"

#include "store/db.h"
#include "base/banned.h"

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
		c->failures = (int)db_col_int(r, 0);
		c->oldest = db_col_int(r, 1);
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
