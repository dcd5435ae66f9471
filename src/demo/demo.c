/*
 * demo.c - see demo.h.  The run: refuse a database that has customers;
 * on SQLite switch the connection to its load mode; in one transaction
 * drop the random-keyed secondary indexes (SQLite), add the staff and
 * teams through their domain calls, write the customers through one
 * struct bulk per table (demo_put), add the ticket counters to
 * ticket_counts and build the indexes again; then one audit row with
 * the counts, whose commit is the fsync that makes the load durable, and
 * the connection's usual tuning again.  Every customer draws from its
 * own random stream (demo_rng_fork), so the data of customer n depends
 * only on the seed and n.
 */
#include "demo/demo.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/user.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "demo/demo_int.h"
#include "desk/team.h"
#include "store/bulk.h"
#include "store/db.h"
#include "store/search.h"

/*
 * The bulk tables, in the order parents before children (PostgreSQL
 * checks foreign keys at each statement, so a child's rows are written
 * only after its parents'; see demo_put).  The columns are the order of
 * the values each writer passes.
 */
static struct bulk_sql tables[DT_COUNT] = {
	[DT_CUSTOMERS] = BULK_SQL("customers",
	                          "id, kind, name, external_id, tier, stage, birthday, locale, note, created_at,"
	                          " updated_at",
	                          11),
	[DT_IDENTITIES] = BULK_SQL("customer_identities", "customer_id, kind, value, created_at", 4),
	[DT_ADDRESSES] = BULK_SQL("customer_addresses",
	                          "customer_id, label, recipient, phone, province, city, district, line, postcode,"
	                          " is_default, created_at, updated_at",
	                          12),
	[DT_PREFERENCES] = BULK_SQL("customer_preferences", "customer_id, key, value, updated_at", 4),
	[DT_TAGS] = BULK_SQL("customer_tags", "customer_id, tag", 2),
	[DT_CONSENTS] = BULK_SQL("customer_consents", "customer_id, purpose, granted, at, source", 5),
	[DT_ORDERS] = BULK_SQL("orders",
	                       "id, number, customer_id, status, placed_at, promised_at, shipping_mode,"
	                       " shipping_terms, total_minor, created_at, updated_at, version",
	                       12),
	[DT_LINES] = BULK_SQL("order_lines",
	                      "id, order_id, line_no, sku, name, category, quantity, quantity_shipped,"
	                      " quantity_delivered, unit_price_minor",
	                      10),
	[DT_SHIPMENTS] = BULK_SQL("shipments",
	                          "id, order_id, customer_id, carrier, tracking_number, mode, status, status_at,"
	                          " origin, destination, shipped_at, eta_at, delivered_at, created_at, updated_at,"
	                          " version",
	                          16),
	[DT_TRACKING] = BULK_SQL("tracking_events",
	                         "shipment_id, at, status, location, description, source, created_at", 7),
	[DT_NOTICES] = BULK_SQL("delay_notices",
	                        "id, shipment_id, customer_id, reason, detail, eta_at, raised_at", 7),
	[DT_JOBS] = BULK_SQL("jobs", "kind, ref_id, due_at, created_at, updated_at", 5),
	[DT_TIMELINE] = BULK_SQL("timeline", "customer_id, at, kind, ref_id, summary", 5),
	[DT_TICKETS] = BULK_SQL("tickets",
	                        "id, type, state, priority, prio, category_id, channel, subject, customer_id,"
	                        " order_id, shipment_id, team_id, assignee_id, language, created_by_kind,"
	                        " created_by_id, created_at, updated_at, first_response_at, resolved_at,"
	                        " closed_at, version",
	                        22),
	[DT_MESSAGES] = BULK_SQL("ticket_messages",
	                         "ticket_id, kind, author_kind, author_id, author_name, body, created_at", 7),
	[DT_EVENTS] = BULK_SQL(
	        "ticket_events",
	        "ticket_id, at, actor_kind, actor_id, actor_name, action, before_json, after_json", 8),
	[DT_COMPLAINTS] = BULK_SQL("complaints",
	                           "ticket_id, step, acknowledged_at, classified_at, category_id,"
	                           " investigation_notes, root_cause, responsible_department, solution,"
	                           " compensation_minor, implemented_at, customer_confirmation,"
	                           " customer_confirmed_at, feedback_to_department_at, archived_at, created_at,"
	                           " updated_at, version",
	                           18),
	[DT_RETURNS] = BULK_SQL("return_requests",
	                        "id, ticket_id, order_id, reason, action, status, return_tracking_number,"
	                        " inspection_result, inspection_notes, refund_minor, lines_value_minor,"
	                        " delivered_at, window_deadline_at, created_at, updated_at, version",
	                        16),
	[DT_RETURN_LINES] = BULK_SQL("return_lines", "return_id, order_line_id, quantity, unit_price_minor", 4),
	[DT_CLAIMS] = BULK_SQL("claims",
	                       "ticket_id, shipment_id, kind, declared_value_minor, decision, decision_reason,"
	                       " payout_minor, carrier_recovery_minor, carrier_recovery_status, decided_by,"
	                       " decided_at, created_at, updated_at, version",
	                       14),
	[DT_SLA] = BULK_SQL("ticket_sla",
	                    "ticket_id, policy_id, calendar_id, started_at, first_due_at, first_warn_at,"
	                    " first_done_at, first_warned_at, first_breached_at, next_due_at, next_warn_at,"
	                    " next_done_at, next_warned_at, next_breached_at, resolve_due_at, resolve_warn_at,"
	                    " resolve_done_at, resolve_warned_at, resolve_breached_at, paused_since, paused_s,"
	                    " updated_at",
	                    22),
	[DT_FOLLOWUPS] = BULK_SQL(
	        "followups",
	        "id, complaint_id, customer_id, due_at, ticket_id, outcome, note, created_at, done_at", 9),
	[DT_CARE_RUNS] = BULK_SQL("care_runs", "kind, customer_id, day, ticket_id", 4),
};

/* The tables whose ids the generator assigns: where the next id starts, and PostgreSQL's sequence after. */
#define ID_TABLE(t, field) \
	{ \
		DB_SQL("SELECT COALESCE(MAX(id), 0) FROM " t), \
		        DB_SQL("SELECT setval(pg_get_serial_sequence('" t \
		               "', 'id'), (SELECT MAX(id) FROM " t "))"), \
		        offsetof(struct demo_gen, field) \
	}
static struct id_table {
	struct db_sql max; /* the highest id so far */
	struct db_sql seq; /* PostgreSQL: move the identity sequence past the ids used */
	size_t next; /* the int64_t next_* field of struct demo_gen */
} id_tables[] = {
	ID_TABLE("customers", next_customer),     ID_TABLE("orders", next_order),
	ID_TABLE("order_lines", next_line),       ID_TABLE("shipments", next_shipment),
	ID_TABLE("delay_notices", next_notice),   ID_TABLE("tickets", next_ticket),
	ID_TABLE("return_requests", next_return), ID_TABLE("followups", next_followup),
};

/*
 * SQLite only, for the load (a fresh database): no foreign key checks
 * (the generator keeps them by construction), a rollback journal instead
 * of the WAL, whose pages a load of a fresh database barely touches (new
 * pages are not journalled), so the data is written once instead of
 * twice; no fsync until the end; a 512 MB page cache and in-memory sorts
 * for building the indexes.  The load is one transaction: killed halfway,
 * the journal rolls the database back to the fresh one at the next open
 * (only a power cut during the load can need a fresh kefu init).
 * lite_sync makes the commit of the audit row fsync the database file,
 * which puts the whole load on disk before demo_generate returns;
 * lite_normal and the cache size read before (q_lite_cache) are the
 * connection's usual tuning again (store/sqlite.c).
 * Tuning knobs of this connection, not SQL of a table; PostgreSQL has no
 * per-connection equivalent.
 */
static const char lite_load[] = "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = DELETE;"
                                " PRAGMA synchronous = OFF; PRAGMA cache_size = -524288;"
                                " PRAGMA temp_store = MEMORY;";
static const char lite_sync[] = "PRAGMA synchronous = FULL;";
static const char lite_normal[] = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                  " PRAGMA foreign_keys = ON; PRAGMA temp_store = DEFAULT;";
static struct db_sql q_lite_cache = DB_SQL("PRAGMA cache_size");
/*
 * SQLite only: the secondary indexes whose keys come in random order
 * during the load (times, states, assignees, tiers, names): dropped at
 * its start and made again (sorted, at once) at its end, in the same
 * transaction.  The indexes by customer, order, shipment or ticket grow
 * at their end as the rows come in customer by customer, so they stay;
 * so do the UNIQUE constraints.
 */
/* clang-format off */
#define INDEX_COLS(F, X) \
	F(IXC_NAME, "name") \
	X(IXC_SQL, "sql")
/* clang-format on */
DB_COLS_ENUM(INDEX_COLS, IXC_NCOLS);
static struct db_sql q_lite_indexes = DB_SQL("SELECT " DB_COLS_SQL(
        INDEX_COLS) " FROM sqlite_master"
                    " WHERE type = 'index' AND sql IS NOT NULL"
                    " AND name IN ('customers_tier', 'customers_stage', 'customers_updated', 'customers_name', 'customer_tags_tag', 'orders_placed', 'shipments_eta', 'delay_notices_status', 'jobs_due', 'tickets_updated', 'tickets_state', 'tickets_assignee', 'tickets_team', 'tickets_type')");
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
/*
 * The order the teams are made in, so their ids: after-sales first, as
 * routing gives a ticket without a team to the first team with a member
 * able to take it (desk/routing.h): complaints, care calls and anything
 * uncategorised land in after-sales, never in pre-sales.
 */
static const int team_order[DEMO_MAX_TEAMS] = { 1, 0, 2, 3 };
/*
 * The members' category skills (migration 0005's tree; a parent covers
 * its children): pre-sales takes inquiries and suggestions, after-sales
 * everything but those, logistics delays and damage or loss, the English
 * desk anything in English.
 */
static const char *const team_categories[DEMO_MAX_TEAMS] = { "22,26", "1,5,8,11,14,15,18,27", "5,8", "" };

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
	for (int k = 0; k < DEMO_MAX_TEAMS && rc == 0; k++) {
		int i = team_order[k];
		struct team_input in = { .present = TEAM_HAS_NAME | TEAM_HAS_MANAGER,
			                 .name = team_names[i],
			                 .manager_id = manager };
		rc = team_create(g->db, a, g->now, &in, &g->team_ids[i], err);
		g->c->teams += rc == 0;
	}
	return rc;
}

static int add_member(struct demo_gen *g, const struct actor *a, const struct demo_agent *ag,
                      struct kf_error *err)
{
	struct team_member_input in = { .languages = ag->english ? "en,zh" : "zh",
		                        .category_ids = team_categories[ag->team],
		                        .active = 1 };
	return team_member_put(g->db, a, g->now, g->team_ids[ag->team], ag->id, &in, err);
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

/* Add the ticket counters to ticket_counts, as ticket_count would have row by row. */
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

int demo_put(struct demo_gen *g, enum demo_table t, const struct db_arg *args, int nargs, int64_t *count,
             struct kf_error *err)
{
	int rc = 0;
	if (g->ordered && bulk_pending(g->w[t]) == BULK_ROWS)
		for (int p = 0; p < (int)t && rc == 0; p++)
			rc = bulk_flush(g->w[p], err);
	if (rc == 0)
		rc = bulk_add(g->w[t], args, nargs, err);
	if (rc == 0 && count)
		(*count)++;
	return rc;
}

int demo_timeline(struct demo_gen *g, int64_t customer, int64_t at, const char *kind, int64_t ref_id,
                  const char *summary, struct kf_error *err)
{
	return demo_put(g, DT_TIMELINE,
	                DB_ARGS(db_int(customer), db_int(at), db_text(kind), db_int(ref_id), db_text(summary)),
	                &g->c->timeline, err);
}

/* Where each assigned id starts; the writers of every bulk table. */
static int writers_open(struct demo_gen *g, struct kf_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof(id_tables) / sizeof(id_tables[0]) && rc == 0; i++) {
		int64_t max = 0;
		rc = db_query_int(g->db, &id_tables[i].max, DB_NOARGS, &max, err);
		*(int64_t *)((char *)g + id_tables[i].next) = max + 1;
	}
	for (int t = 0; t < DT_COUNT; t++)
		g->w[t] = bulk_new(g->db, &tables[t]);
	return rc < 0 ? rc : search_load_new(g->db, &g->search, err);
}

/* Write every pending row, parents first; on PostgreSQL move the id sequences past the ids used. */
static int writers_finish(struct demo_gen *g, struct kf_error *err)
{
	int rc = 0;
	for (int t = 0; t < DT_COUNT && rc == 0; t++)
		rc = bulk_flush(g->w[t], err);
	if (rc == 0)
		rc = search_load_finish(g->search, err);
	if (rc == 0) { /* the conversations' messages (their ids are the database's) */
		int64_t n = 0;
		rc = search_index_messages(g->db, &n, err);
		g->c->search_docs += n;
	}
	for (size_t i = 0; i < sizeof(id_tables) / sizeof(id_tables[0]) && rc == 0 && g->ordered; i++) {
		struct db_rows *r = NULL;
		rc = db_query(g->db, &id_tables[i].seq, DB_NOARGS, &r, err);
		db_done(r);
	}
	return rc < 0 ? rc : 0;
}

static void writers_free(struct demo_gen *g)
{
	for (int t = 0; t < DT_COUNT; t++)
		bulk_free(g->w[t]);
	search_load_free(g->search);
}

/* SQLite: the CREATE INDEX script of the secondary indexes into *create, and drop them. */
static int indexes_drop(struct demo_gen *g, struct buf *create, struct kf_error *err)
{
	struct buf drop = BUF_INIT;
	struct db_rows *r = NULL;
	int rc = db_query(g->db, &q_lite_indexes, DB_NOARGS, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		/* kefu's own index names from the schema, not input */
		buf_addf(&drop, "DROP INDEX \"%s\";", db_col_text(r, IXC_NAME));
		buf_addf(create, "%s;\n", db_col_text(r, IXC_SQL));
	}
	db_done(r);
	if (rc == 0 && drop.len)
		rc = db_exec_script(g->db, buf_cstr(&drop), err);
	buf_release(&drop);
	return rc;
}

/* The customers, their orders and tickets, and the queue counters. */
static int customers(struct demo_gen *g, struct kf_error *err)
{
	int rc = 0;
	for (int64_t n = 0; n < g->o->customers && rc == 0; n++) {
		rc = one_customer(g, n, err);
		if (rc == 0 && g->o->progress && ((n + 1) % 1000 == 0 || n + 1 == g->o->customers))
			g->o->progress(g->o->progress_ctx, n + 1, g->o->customers);
	}
	if (rc == 0)
		rc = writers_finish(g, err);
	return rc == 0 ? flush_counts(g, err) : rc;
}

/* Everything but the audit row, in one transaction. */
static int load(struct demo_gen *g, const struct actor *a, int lite, struct kf_error *err)
{
	struct buf create = BUF_INIT;
	int rc = db_begin(g->db, err);
	if (rc < 0)
		return rc;
	if (lite)
		rc = indexes_drop(g, &create, err);
	if (rc == 0)
		rc = writers_open(g, err);
	if (rc == 0)
		rc = add_staff(g, a, err);
	if (rc == 0)
		rc = demo_desk_write(g, a, err);
	if (rc == 0)
		rc = customers(g, err);
	if (rc == 0)
		rc = demo_surveys_write(g, err);
	if (rc == 0 && create.len)
		rc = db_exec_script(g->db, buf_cstr(&create), err);
	buf_release(&create);
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
	int lite = strcmp(db_dialect(db), "sqlite") == 0;
	int64_t cache = -2000; /* SQLite's default page cache, 2 MB */
	memset(out, 0, sizeof(*out));
	g->db = db;
	g->o = o;
	g->c = out;
	g->now = o->now;
	g->ordered = !lite;
	int rc = check_empty(db, err);
	if (rc < 0)
		goto out;
	if (lite)
		rc = db_query_int(db, &q_lite_cache, DB_NOARGS, &cache, err);
	if (rc == 0 && lite)
		rc = db_exec_script(db, lite_load, err);
	if (rc < 0)
		goto out;
	rc = load(g, a, lite, err);
	if (rc == 0 && lite)
		rc = db_exec_script(db, lite_sync, err);
	if (rc == 0) {
		after = counts_json(out, o);
		rc = audit_record(db, a, o->now, "demo.generate", "demo", 0, NULL, after, err);
	}
	if (lite) {
		struct kf_error ignored = KF_ERROR_INIT;
		char sql[160];
		snprintf(sql, sizeof(sql), "%s PRAGMA cache_size = %lld;", lite_normal, (long long)cache);
		int rc2 = db_exec_script(db, sql, rc < 0 ? &ignored : err);
		if (rc == 0)
			rc = rc2;
	}
out:
	json_decref(after);
	writers_free(g);
	demo_desk_free(g);
	free(g);
	return rc;
}
