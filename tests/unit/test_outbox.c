/*
 * test_outbox.c - the event stream's transaction rules (events/outbox.h)
 * and the wiring's listeners (app/wiring.c), on a temporary SQLite file:
 * an event commits with its change, a rolled-back change (also one batch
 * item) leaves no event, listeners run inside the change's transaction,
 * and a failing listener undoes the change.
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

#include "app/wiring.h"
#include "desk/ticket.h"
#include "events/outbox.h"
#include "store/db.h"
#include "base/banned.h"

struct fixture {
	char dir[64];
	char url[128];
	struct store *store;
	struct db *db;
};

static const struct actor tester = { "cli", 0, "test", NULL, NULL };
#define T0 1795000000

static struct db_sql q_events = DB_SQL("SELECT COUNT(*) FROM events");
static struct db_sql q_tickets = DB_SQL("SELECT COUNT(*) FROM tickets");

static int64_t count(struct db *db, struct db_sql *q)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t n = -1;
	assert_int_equal(db_query_int(db, q, NULL, 0, &n, &err), 0);
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-outbox-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
	opt.create = 1;
	opt.migrate = 1;
	opt.sync_full = 0;
	if (store_open(f->url, &opt, &f->store, &err) < 0)
		return -1;
	f->db = store_db(f->store, &err);
	wiring_install();
	return f->db ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[128];
	store_close(f->store);
	snprintf(p, sizeof(p), "%s/kefu.db", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/kefu.db-wal", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/kefu.db-shm", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	wiring_install();
	return 0;
}

static int append_one(struct db *db, struct kf_error *err)
{
	struct event ev = { .type = "customer.updated", .entity = "customer", .entity_id = 7 };
	return outbox_append(db, &ev, &tester, err);
}

static void commit_keeps_event(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(append_one(f->db, &err), 0);
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_int_equal(count(f->db, &q_events), 1);
}

static void rollback_drops_event(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(append_one(f->db, &err), 0);
	db_rollback(f->db);
	assert_int_equal(count(f->db, &q_events), 0);
}

/* In a batch, the items undone lose their events, the item kept keeps its own. */
static void batch_item_undone_drops_event(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(db_batch_begin(f->db, &err), 0);
	assert_int_equal(db_batch_item_begin(f->db, &err), 0); /* a change that fails */
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(append_one(f->db, &err), 0);
	db_rollback(f->db);
	assert_int_equal(db_batch_item_end(f->db, 0, &err), 0); /* its reply was an error */
	assert_int_equal(db_batch_item_begin(f->db, &err), 0); /* one that succeeds, then is undone */
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(append_one(f->db, &err), 0);
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_int_equal(db_batch_item_end(f->db, 0, &err), 0);
	assert_int_equal(db_batch_item_begin(f->db, &err), 0); /* one kept */
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(append_one(f->db, &err), 0);
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_int_equal(db_batch_item_end(f->db, 1, &err), 1);
	assert_int_equal(db_batch_commit(f->db, &err), 0);
	assert_int_equal(count(f->db, &q_events), 1);
}

static int64_t seen_tickets = -1;

/* Sees the new ticket row: it runs inside the creating transaction. */
static int listener_count(struct db *db, const struct event *ev, struct kf_error *err)
{
	(void)ev;
	(void)err;
	seen_tickets = count(db, &q_tickets);
	return 0;
}

static int listener_fail(struct db *db, const struct event *ev, struct kf_error *err)
{
	(void)db;
	(void)ev;
	return kf_fail(err, KF_ECONFLICT, "test_listener", NULL, "refused by the test listener");
}

static const char *const t_created[] = { "ticket.created", NULL };
static const struct event_listener l_count[] = { { "count", t_created, listener_count } };
static const struct event_listener l_fail[] = { { "count", t_created, listener_count },
	                                        { "fail", t_created, listener_fail } };

static int make_ticket(struct db *db, struct kf_error *err)
{
	struct ticket_new in = { .type = "inquiry", .subject = "where is my parcel" };
	struct ticket t;
	return ticket_create(db, &tester, T0, &in, &t, err);
}

static void listener_runs_in_transaction(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	outbox_set_listeners(l_count, 1);
	seen_tickets = -1;
	assert_int_equal(make_ticket(f->db, &err), 0);
	assert_int_equal(seen_tickets, 1);
	assert_int_equal(count(f->db, &q_events), 1);
}

static void failing_listener_undoes_change(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	outbox_set_listeners(l_fail, 2);
	seen_tickets = -1;
	assert_int_equal(make_ticket(f->db, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "test_listener");
	assert_int_equal(seen_tickets, 1); /* the row existed inside the transaction */
	assert_int_equal(count(f->db, &q_tickets), 0);
	assert_int_equal(count(f->db, &q_events), 0);
}

/* The wiring's SLA listener starts the new ticket's clocks with the change. */
static struct db_sql q_clocks = DB_SQL("SELECT COUNT(*) FROM ticket_sla");

static void wiring_starts_clocks(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(make_ticket(f->db, &err), 0);
	assert_true(count(f->db, &q_clocks) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(commit_keeps_event, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_drops_event, setup, teardown),
		cmocka_unit_test_setup_teardown(batch_item_undone_drops_event, setup, teardown),
		cmocka_unit_test_setup_teardown(listener_runs_in_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(failing_listener_undoes_change, setup, teardown),
		cmocka_unit_test_setup_teardown(wiring_starts_clocks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
