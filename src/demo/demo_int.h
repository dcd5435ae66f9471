/*
 * demo_int.h - what the files of the demo generator share: the state of
 * one run (struct demo_gen) and what one customer's orders leave for
 * their tickets.  demo.c runs the load, the staff and the bulk writers
 * (demo_put); demo_crm.c writes a customer; demo_orders.c the orders and
 * shipments; demo_tickets.c the tickets and their processes.
 */
#ifndef KF_DEMO_INT_H
#define KF_DEMO_INT_H

#include <stdint.h>

#include "demo/demo.h"
#include "demo/demo_names.h"
#include "demo/demo_rng.h"
#include "desk/ticket_state.h"
#include "store/db.h"

#define DEMO_DAY 86400
#define DEMO_MAX_AGENTS 8 /* agents who work tickets */
#define DEMO_MAX_TEAMS 4
#define DEMO_MAX_ORDERS 32 /* orders of one customer */
#define DEMO_TYPES 7 /* ticket types */
#define DEMO_USER_SLOTS 64 /* ticket_counts keys by user id kept in memory */

struct demo_agent {
	int64_t id; /* users.id */
	const char *username; /* wangfang */
	const char *display; /* 王芳 */
	int team; /* index into demo_gen.team_ids */
	int english; /* works the English tickets */
};

/* The tables the bulk of the data goes into, each through its own struct bulk (store/bulk.h). */
enum demo_table {
	DT_CUSTOMERS,
	DT_IDENTITIES,
	DT_ADDRESSES,
	DT_PREFERENCES,
	DT_TAGS,
	DT_CONSENTS,
	DT_ORDERS,
	DT_LINES,
	DT_SHIPMENTS,
	DT_TRACKING,
	DT_NOTICES,
	DT_JOBS,
	DT_TIMELINE,
	DT_TICKETS,
	DT_MESSAGES,
	DT_EVENTS,
	DT_COMPLAINTS,
	DT_RETURNS,
	DT_RETURN_LINES,
	DT_CLAIMS,
	DT_SLA,
	DT_FOLLOWUPS,
	DT_CARE_RUNS,
	DT_COUNT
};

struct bulk;
struct search_load;
struct calendar;
struct sla_policy;

struct demo_gen {
	struct db *db;
	struct bulk *w[DT_COUNT]; /* the pending rows of each table */
	struct search_load *search; /* the pending search documents */
	int ordered; /* write a table's parents before its full bulk (foreign keys are checked: PostgreSQL) */
	/* The next id of the tables whose ids other rows refer to (the generator assigns them). */
	int64_t next_customer, next_order, next_line, next_shipment, next_notice, next_ticket, next_return,
	        next_followup;
	const struct demo_opts *o;
	struct demo_counts *c;
	int64_t now; /* "today" */
	struct demo_agent agents[DEMO_MAX_AGENTS];
	int nagents;
	int64_t team_ids[DEMO_MAX_TEAMS];
	int64_t order_serial; /* next order number serial */
	int64_t ship_serial; /* next tracking number serial */
	uint8_t covered[DEMO_TYPES][TS_COUNT]; /* a ticket of this type in this state was written */
	int ncovered; /* how many of covered are set */
	/* ticket_counts of the tickets, added to the table at the end */
	int64_t n_all[TS_COUNT];
	int64_t n_team[DEMO_MAX_TEAMS + 1][TS_COUNT]; /* [0] = no team, [i + 1] = team_ids[i] */
	int64_t n_user[DEMO_USER_SLOTS][TS_COUNT]; /* by users.id; [0] = unassigned */
	/* The desk the tickets' clocks run on (demo_desk.c). */
	struct sla_policy *policies;
	int npolicies;
	struct calendar *cal; /* the default calendar: every demo policy runs on it */
	int64_t winback_days; /* desk setting: a customer without an order this long is lapsed */
	int64_t followup_days; /* desk setting: business days from a complaint's resolution to its follow-up */
	/* The customer being written: its latest resolved complaint (0 = none yet) and when it was resolved. */
	int64_t last_complaint, last_complaint_resolved;
};

/* The customer being written, as its orders and tickets need it. */
struct demo_customer {
	int64_t id;
	struct demo_person person;
	int english; /* writes in English */
	char tier; /* A, B or C */
	const struct demo_place *place;
	int64_t created_at;
};

/* One order of the customer, for the tickets that talk about it. */
struct demo_order {
	int64_t id;
	char number[32];
	int64_t placed_at;
	int64_t total_minor;
	const struct demo_product *product; /* the first line's product */
	int64_t line_id; /* the first line */
	int64_t line_qty;
	int64_t line_price; /* the first line's unit price */
	int64_t shipment_id; /* 0 = not shipped */
	char tracking[DEMO_CONTACT_MAX];
	const char *carrier;
	int64_t delivered_at; /* 0 = not delivered */
	int late; /* delivered after its ETA, or still out past it */
};

/* demo_crm.c: the customer with identities, addresses, preferences, tags, consents, search doc. */
int demo_customer_write(struct demo_gen *g, struct demo_rng *r, int64_t serial, struct demo_customer *cu,
                        struct kf_error *err);
/* demo_orders.c: n orders of cu with lines, shipments, events, notices, jobs; into out[0..n). */
int demo_orders_write(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu, int n,
                      struct demo_order *out, struct kf_error *err);
/* demo_tickets.c: n tickets of cu about its orders. */
int demo_tickets_write(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                       const struct demo_order *orders, int norders, int n, struct kf_error *err);

/* demo_desk.c: the SLA policies, canned replies and care settings; loads the policies and calendar. */
int demo_desk_write(struct demo_gen *g, const struct actor *a, struct kf_error *err);
void demo_desk_free(struct demo_gen *g);

/* What a ticket's history says about its clocks (0 = did not happen). */
struct demo_sla_facts {
	const char *type, *priority;
	char tier;
	int64_t created_at;
	int64_t first_response_at; /* the first public reply */
	int64_t customer_again_at; /* a customer message after the first response */
	int64_t answered_again_at; /* the public reply to it */
	int64_t paused_since; /* waiting on the customer since */
	int64_t resolved_at;
	int stopped; /* resolved or closed */
};
/*
 * The ticket's clocks (ticket_sla) as desk/sla_clock.c would have kept
 * them through that history: the policy chosen for type x priority x
 * tier, the due and 80 % instants on its calendar, warnings and breaches
 * marked when they fell before "now" (as the jobs would have), and the
 * sla_warn / sla_breach jobs of the instants still ahead.
 */
int demo_sla_write(struct demo_gen *g, int64_t ticket_id, const struct demo_sla_facts *f, struct kf_error *err);

/* demo_surveys.c: survey invitations, answers and SERVQUAL pairs for the tickets and orders written. */
int demo_surveys_write(struct demo_gen *g, struct kf_error *err);

/* Add a row to table t (DB_ARGS); counts it in *count when count is not NULL. */
int demo_put(struct demo_gen *g, enum demo_table t, const struct db_arg *args, int nargs, int64_t *count,
             struct kf_error *err);
/* The timeline row of something about customer (crm/timeline.c's timeline_add, as a bulk row). */
int demo_timeline(struct demo_gen *g, int64_t customer, int64_t at, const char *kind, int64_t ref_id,
                  const char *summary, struct kf_error *err);

struct buf;
struct ticket;
/*
 * Append t as JSON to out: the object desk/ticket.c's ticket_to_json makes
 * (keys sorted, as json_dumps with JSON_SORT_KEYS writes them), without
 * building it in jansson first; for the "create" event of every ticket.
 */
void demo_ticket_json(const struct ticket *t, struct buf *out);

/* "YYYY-MM-DD" (UTC) of t into out (11 bytes). */
void demo_date(int64_t t, char out[11]);

#endif
