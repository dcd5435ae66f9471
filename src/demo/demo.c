/*
 * demo.c - see demo.h.  The run: refuse a database that has customers,
 * add the staff and teams through their domain calls, then write the
 * customers in batches of BATCH, each batch one transaction that ends
 * by adding its ticket counters to ticket_counts; finally one audit row
 * with the counts.  Every customer draws from its own random stream
 * (demo_rng_fork), so the data of customer n depends only on the seed
 * and n.
 */
#include "demo/demo.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/user.h"
#include "base/xalloc.h"
#include "demo/demo_int.h"
#include "desk/desk_config.h"
#include "store/db.h"
#include "base/banned.h"

#define BATCH 10000 /* customers per transaction */

/*
 * SQLite only: a page cache large enough for the random-order indexes of
 * a batch (order and tracking numbers, names, phones), so that a large
 * transaction does not spill and rewrite pages in the WAL halfway (the
 * connection's default is 16 MB).  A tuning knob of this connection,
 * not SQL of a table; PostgreSQL has no per-connection equivalent.
 */
static struct db_sql q_lite_cache = DB_SQL("PRAGMA cache_size = -262144");
static struct db_sql q_has_customers = DB_SQL("SELECT COUNT(*) FROM customers");
static struct db_sql q_count = DB_SQL(
        "INSERT INTO ticket_counts (scope, key, state, n) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (scope, key, state) DO UPDATE SET n = ticket_counts.n + excluded.n");

struct staff {
	const char *username, *display;
	enum role role;
	int team; /* -1 = none */
	int english;
};

/* The demo staff: a manager, agents with Chinese names (and one for English), CRM and analytics. */
static const struct staff staff[] = {
	{ "zhaomin", "赵敏", ROLE_MANAGER, -1, 0 },
	{ "wangfang", "王芳", ROLE_AGENT, 0, 0 },
	{ "liuyang", "刘洋", ROLE_AGENT, 1, 0 },
	{ "chenjing", "陈静", ROLE_AGENT, 1, 0 },
	{ "zhangwei", "张伟", ROLE_AGENT, 2, 0 },
	{ "huanglei", "黄磊", ROLE_AGENT, 0, 0 },
	{ "emily", "Emily Chen 陈爱米", ROLE_AGENT, 3, 1 },
	{ "sunli", "孙丽", ROLE_CRM, -1, 0 },
	{ "zhouqiang", "周强", ROLE_ANALYST, -1, 0 },
};

static const char *const team_names[DEMO_MAX_TEAMS] = { "售前咨询 Pre-sales", "售后服务 After-sales",
	                                                "物流与理赔 Logistics & claims", "English desk" };

void demo_date(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
	         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

int64_t demo_counts_total(const struct demo_counts *c)
{
	return c->users + c->teams + c->customers + c->identities + c->addresses + c->preferences + c->tags +
	        c->consents + c->orders + c->order_lines + c->shipments + c->tracking_events +
	        c->delay_notices + c->jobs + c->tickets + c->messages + c->ticket_events + c->complaints +
	        c->returns + c->claims + c->timeline + c->search_docs;
}

static int add_teams(struct demo_gen *g, const struct actor *a, int64_t manager, struct kf_error *err)
{
	int rc = 0;
	for (int i = 0; i < DEMO_MAX_TEAMS && rc == 0; i++) {
		json_t *body = json_pack("{s:s,s:I}", "name", team_names[i], "manager_id", (json_int_t)manager);
		rc = team_create(g->db, a, g->now, body, &g->team_ids[i], err);
		json_decref(body);
		g->c->teams += rc == 0;
	}
	return rc;
}

static int add_member(struct demo_gen *g, const struct actor *a, const struct demo_agent *ag,
                      struct kf_error *err)
{
	json_t *body = json_pack("{s:s,s:s,s:b}", "languages", ag->english ? "en,zh" : "zh", "category_ids",
	                         "", "active", 1);
	int rc = team_member_put(g->db, a, g->now, g->team_ids[ag->team], ag->id, body, err);
	json_decref(body);
	return rc;
}

/* The staff users (password DEMO_PASSWORD), the teams and their members. */
static int add_staff(struct demo_gen *g, const struct actor *a, struct kf_error *err)
{
	struct user u;
	int64_t manager = 0;
	int rc = 0;
	for (size_t i = 0; i < sizeof(staff) / sizeof(staff[0]) && rc == 0; i++) {
		const struct staff *s = &staff[i];
		rc = user_create(g->db, a, g->now, s->username, s->display, s->role, DEMO_PASSWORD, &u, err);
		if (rc < 0)
			break;
		g->c->users++;
		if (s->role == ROLE_MANAGER)
			manager = u.id;
		if (s->team >= 0 && g->nagents < DEMO_MAX_AGENTS)
			g->agents[g->nagents++] = (struct demo_agent){ u.id, s->username, s->display, s->team,
				                                       s->english };
	}
	if (rc == 0)
		rc = add_teams(g, a, manager, err);
	for (int i = 0; i < g->nagents && rc == 0; i++)
		rc = add_member(g, a, &g->agents[i], err);
	return rc;
}

static int flush_one(struct demo_gen *g, const char *scope, int64_t key, const int64_t *n, struct kf_error *err)
{
	for (int s = 0; s < TS_COUNT; s++) {
		if (n[s] == 0)
			continue;
		int rc = db_exec(g->db, &q_count,
		                 DB_ARGS(db_text(scope), db_int(key),
		                         db_text(ticket_state_name((enum ticket_state)s)), db_int(n[s])),
		                 err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Add the batch's ticket counters to ticket_counts, as ticket_count would have row by row. */
static int flush_counts(struct demo_gen *g, struct kf_error *err)
{
	int rc = flush_one(g, "all", 0, g->n_all, err);
	for (int t = 0; t <= DEMO_MAX_TEAMS && rc == 0; t++)
		rc = flush_one(g, "team", t == 0 ? 0 : g->team_ids[t - 1], g->n_team[t], err);
	for (int u = 0; u < DEMO_USER_SLOTS && rc == 0; u++)
		rc = flush_one(g, "assignee", u, g->n_user[u], err);
	memset(g->n_all, 0, sizeof(g->n_all));
	memset(g->n_team, 0, sizeof(g->n_team));
	memset(g->n_user, 0, sizeof(g->n_user));
	return rc;
}

/* How many orders a customer of tier has: A 8-14, B 4-7, C 1-4 (about 5 on average). */
static int orders_of(struct demo_rng *r, char tier)
{
	if (tier == 'A')
		return (int)demo_rng_range(r, 8, 14);
	return tier == 'B' ? (int)demo_rng_range(r, 4, 7) : (int)demo_rng_range(r, 1, 4);
}

static int one_customer(struct demo_gen *g, int64_t n, struct kf_error *err)
{
	struct demo_rng r = demo_rng_fork(g->o->seed, (uint64_t)n);
	struct demo_customer cu;
	struct demo_order orders[DEMO_MAX_ORDERS];
	int rc = demo_customer_write(g, &r, n, &cu, err);
	if (rc < 0)
		return rc;
	int norders = orders_of(&r, cu.tier);
	if (demo_rng_chance(&r, 3))
		norders = 0; /* a lead who never ordered */
	int ntickets = (int)demo_rng_range(&r, 0, 2 * (norders ? norders : 1));
	rc = demo_orders_write(g, &r, &cu, norders, orders, err);
	if (rc == 0)
		rc = demo_tickets_write(g, &r, &cu, orders, norders, ntickets, err);
	return rc;
}

static int batch(struct demo_gen *g, int64_t from, int64_t to, struct kf_error *err)
{
	int rc = db_begin(g->db, err);
	if (rc < 0)
		return rc;
	for (int64_t n = from; n < to && rc == 0; n++) {
		rc = one_customer(g, n, err);
		if (rc == 0 && g->o->progress && (n + 1) % 1000 == 0)
			g->o->progress(g->o->progress_ctx, n + 1, g->o->customers);
	}
	if (rc == 0)
		rc = flush_counts(g, err);
	if (rc < 0) {
		db_rollback(g->db);
		return rc;
	}
	return db_commit(g->db, err);
}

static json_t *counts_json(const struct demo_counts *c, const struct demo_opts *o)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "seed",
	                 (json_int_t)o->seed, "customers", (json_int_t)c->customers, "orders",
	                 (json_int_t)c->orders, "order_lines", (json_int_t)c->order_lines, "shipments",
	                 (json_int_t)c->shipments, "tracking_events", (json_int_t)c->tracking_events,
	                 "delay_notices", (json_int_t)c->delay_notices, "tickets", (json_int_t)c->tickets,
	                 "messages", (json_int_t)c->messages, "complaints", (json_int_t)c->complaints,
	                 "returns", (json_int_t)c->returns, "claims", (json_int_t)c->claims, "users",
	                 (json_int_t)c->users, "teams", (json_int_t)c->teams);
}

static int check_empty(struct db *db, struct kf_error *err)
{
	int64_t n = 0;
	int rc = db_query_int(db, &q_has_customers, DB_NOARGS, &n, err);
	if (rc == 0 && n > 0)
		rc = kf_fail(
		        err, KF_EEXIST, "exists", NULL,
		        "the database already has %lld customers; demo data goes into a fresh one (kefu init)",
		        (long long)n);
	return rc;
}

int demo_generate(struct db *db, const struct actor *a, const struct demo_opts *o, struct demo_counts *out,
                  struct kf_error *err)
{
	struct demo_gen *g = xcalloc(1, sizeof(*g));
	json_t *after = NULL;
	memset(out, 0, sizeof(*out));
	g->db = db;
	g->o = o;
	g->c = out;
	g->now = o->now;
	int rc = check_empty(db, err);
	if (rc == 0 && strcmp(db_dialect(db), "sqlite") == 0)
		rc = db_exec(db, &q_lite_cache, DB_NOARGS, err);
	if (rc > 0)
		rc = 0;
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = add_staff(g, a, err);
	if (rc < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, err);
	for (int64_t n = 0; n < o->customers && rc == 0; n += BATCH)
		rc = batch(g, n, n + BATCH < o->customers ? n + BATCH : o->customers, err);
	if (rc < 0)
		goto out;
	after = counts_json(out, o);
	rc = audit_record(db, a, o->now, "demo.generate", "demo", 0, NULL, after, err);
out:
	json_decref(after);
	free(g);
	return rc;
}
