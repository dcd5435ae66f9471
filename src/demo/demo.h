/*
 * demo.h - the demo data set (kefu demo): a realistic, bilingual
 * customer-service database generated from a seed.  Customers (persons
 * and companies, mostly Chinese, some English) with phones, e-mails,
 * WeChat ids, addresses, preferences, tags and consents; their orders,
 * shipments with tracking events, delays and delay notices; tickets of
 * every type in every state with conversations, and the complaint,
 * return and claim records behind them; staff users and teams.  About
 * five orders and five tickets per customer, like the benchmark
 * database of the service-desk issue.  The same seed and "today" give
 * the same data.
 *
 * SPEED: for the bulk this module WRITES OTHER MODULES' TABLES DIRECTLY,
 * with multi-row INSERTs (store/bulk.h) of rows whose ids it assigns
 * itself, in ONE transaction, with no per-row audit, hooks or
 * validation: customers, customer_identities, customer_addresses,
 * customer_preferences, customer_tags, customer_consents
 * (crm/customer.c); orders, order_lines, shipments, tracking_events
 * (logistics/order.c, shipment.c); delay_notices (logistics/delay.c);
 * jobs (jobs/job.c); timeline (crm/timeline.c); tickets,
 * ticket_messages, ticket_events, ticket_counts (desk/ticket.c,
 * message.c); complaints, return_requests, return_lines, claims
 * (desk/complaint.c, returns.c, claims.c); search documents through
 * search_load_* (store/search.h).  The rows keep those modules'
 * invariants: versions, ticket_counts, order totals and quantities
 * shipped/delivered, the timeline rows of timeline_add, the notices
 * and timeline rows of delay_raise, the pending "shipment_eta" jobs of
 * job_schedule, the search documents of search_put.  Staff users and
 * teams go through their domain calls (user_create, team_create,
 * team_member_put); one audit row "demo.generate" records the counts.
 *
 * On SQLite the load runs in a load mode (demo.c): rollback journal, no
 * fsync and no foreign key checks during the load, the secondary indexes
 * with random keys built after it; the one fsync at the end makes the
 * result durable before demo_generate returns.  An interrupted load
 * (Ctrl-C, kill) is rolled back at the next open, leaving the fresh
 * database: run kefu demo again.
 *
 * Ratios, leaner than a live desk so that 200,000 customers (~19 million
 * rows) load fast: ~3.4 tracking events per parcel, ~2.5 messages and 2
 * ticket events (created, and the change into the state it is in now)
 * per ticket; still every type in every state (the first tickets fill
 * any combination still missing), conversations, delays, exceptions and
 * processes.
 *
 * Left out, as a demo does not need them: SLA clocks (ticket_sla and the
 * sla_warn/sla_breach jobs), follow-up and care-run rows, ticket events
 * of the processes, timeline and search rows for individual messages
 * (a ticket's document holds its subject and first message), shipment
 * lines (every shipment ships its whole order, as shipment_create does
 * without lines) and customer portal accounts.
 */
#ifndef KF_DEMO_H
#define KF_DEMO_H

#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define DEMO_MAX_CUSTOMERS 2000000 /* --customers cap */
#define DEMO_PASSWORD "demo-password-1" /* every demo staff user's password: demo only */

struct demo_counts {
	int64_t users, teams;
	int64_t customers, identities, addresses, preferences, tags, consents;
	int64_t orders, order_lines, shipments, tracking_events, delay_notices, jobs;
	int64_t tickets, messages, ticket_events, complaints, returns, claims;
	int64_t timeline, search_docs;
};

struct demo_opts {
	int64_t customers; /* 1..DEMO_MAX_CUSTOMERS */
	uint64_t seed; /* the random stream */
	int64_t now; /* "today": the newest data is just before it; UTC seconds */
	/* Called now and then with what is being done; may be NULL. */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *progress_ctx;
};

/*
 * Generate the data set into db, which must be initialised (kefu init)
 * and hold no customers yet (KF_EEXIST otherwise, nothing written).
 * The staff users are added as the actor a; *out gets the row counts.
 * One transaction: after a failure nothing of the data set stays.
 */
int demo_generate(struct db *db, const struct actor *a, const struct demo_opts *o, struct demo_counts *out,
                  struct kf_error *err);

/* Sum of every count (for rows/s). */
int64_t demo_counts_total(const struct demo_counts *c);

#endif
