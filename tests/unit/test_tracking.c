/*
 * test_tracking.c - the shipment status model (logistics/tracking.c),
 * table-driven, and the delay notices it leads to (logistics/delay.c):
 * the "shipment_eta" job against a real SQLite store in a mkdtemp
 * directory, since an API test cannot wait for an ETA to pass.
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
#include "jobs/job.h"
#include "logistics/delay.h"
#include "logistics/order.h"
#include "logistics/shipment.h"
#include "logistics/tracking.h"
#include "store/db.h"
#include "base/banned.h"

#define T0 1700000000

static void test_names(void **state)
{
	(void)state;
	for (int i = 0; i < TRACK_COUNT; i++) {
		const char *n = tracking_name((enum tracking_status)i);
		assert_true(n[0] != '\0');
		assert_int_equal(tracking_parse(n), i);
		assert_true(tracking_label((enum tracking_status)i, "zh")[0] != '\0');
		assert_true(tracking_label((enum tracking_status)i, "en")[0] != '\0');
		assert_string_not_equal(tracking_label((enum tracking_status)i, "zh"),
		                        tracking_label((enum tracking_status)i, "en"));
	}
	assert_int_equal(tracking_parse("lost"), TRACK_NONE);
	assert_int_equal(tracking_parse(NULL), TRACK_NONE);
	assert_string_equal(tracking_name(TRACK_NONE), "");
	assert_string_equal(tracking_label(TRACK_DELIVERED, "zh-CN"), "已签收");
	assert_string_equal(tracking_label(TRACK_IN_TRANSIT, "en"), "In transit");
}

static void test_apply(void **state)
{
	(void)state;
	static const struct {
		enum tracking_status cur;
		int64_t cur_at;
		enum tracking_status ev;
		int64_t ev_at;
		enum tracking_status want;
		int moved;
	} cases[] = {
		/* the first event moves a pending shipment, whatever its time */
		{ TRACK_PENDING, 0, TRACK_INFO_RECEIVED, T0, TRACK_INFO_RECEIVED, 1 },
		{ TRACK_PENDING, T0, TRACK_IN_TRANSIT, T0 - 100, TRACK_IN_TRANSIT, 1 },
		/* newer events move it on */
		{ TRACK_IN_TRANSIT, T0, TRACK_OUT_FOR_DELIVERY, T0 + 1, TRACK_OUT_FOR_DELIVERY, 1 },
		{ TRACK_IN_TRANSIT, T0, TRACK_IN_TRANSIT, T0 + 60, TRACK_IN_TRANSIT, 1 },
		/* the same second still moves it */
		{ TRACK_IN_TRANSIT, T0, TRACK_EXCEPTION, T0, TRACK_EXCEPTION, 1 },
		/* an older event is history only */
		{ TRACK_OUT_FOR_DELIVERY, T0, TRACK_IN_TRANSIT, T0 - 1, TRACK_OUT_FOR_DELIVERY, 0 },
		{ TRACK_EXCEPTION, T0, TRACK_DELIVERED, T0 - 1, TRACK_EXCEPTION, 0 },
		/* delivered is final */
		{ TRACK_DELIVERED, T0, TRACK_IN_TRANSIT, T0 + 100, TRACK_DELIVERED, 0 },
		{ TRACK_DELIVERED, T0, TRACK_EXCEPTION, T0 + 100, TRACK_DELIVERED, 0 },
		/* a new event clears an exception */
		{ TRACK_EXCEPTION, T0, TRACK_IN_TRANSIT, T0 + 1, TRACK_IN_TRANSIT, 1 },
		/* pending is never re-entered */
		{ TRACK_IN_TRANSIT, T0, TRACK_PENDING, T0 + 1, TRACK_IN_TRANSIT, 0 },
		{ TRACK_IN_TRANSIT, T0, TRACK_NONE, T0 + 1, TRACK_IN_TRANSIT, 0 },
		/* an expired shipment comes back with news */
		{ TRACK_EXPIRED, T0, TRACK_DELIVERED, T0 + 1, TRACK_DELIVERED, 1 },
		{ TRACK_FAILED_ATTEMPT, T0, TRACK_AVAILABLE_FOR_PICKUP, T0 + 1, TRACK_AVAILABLE_FOR_PICKUP, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int moved = -1;
		enum tracking_status got = tracking_apply(cases[i].cur, cases[i].cur_at, cases[i].ev,
		                                          cases[i].ev_at, &moved);
		if (got != cases[i].want || moved != cases[i].moved)
			fail_msg("case %zu: %s moved %d, want %s moved %d", i, tracking_name(got), moved,
			         tracking_name(cases[i].want), cases[i].moved);
	}
	assert_true(tracking_open(TRACK_IN_TRANSIT));
	assert_true(tracking_open(TRACK_EXCEPTION));
	assert_false(tracking_open(TRACK_DELIVERED));
	assert_false(tracking_open(TRACK_EXPIRED));
}

/* ---- the ETA job against a store ------------------------------------------ */

struct fixture {
	char dir[64];
	char url[128];
	struct store *store;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	if (!f)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-track-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
	opt.create = 1;
	opt.migrate = 1;
	opt.sync_full = 0;
	if (store_open(f->url, &opt, &f->store, &err) < 0) {
		print_error("store_open %s: %s\n", f->url, err.message);
		return -1;
	}
	f->db = store_db(f->store, &err);
	return f->db ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[64 + 1 + 256];
	if (!f)
		return 0;
	store_close(f->store);
	DIR *d = opendir(f->dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t notices(struct db *db, const char *status)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	int64_t last = 0;
	assert_int_equal(delay_list(db, status, 0, 200, &items, &last, &err), 0);
	int64_t n = (int64_t)json_array_size(items);
	json_decref(items);
	return n;
}

static int64_t new_shipment(struct db *db, const char *number, int64_t eta)
{
	static const struct actor a = { "system", 0, "test", NULL, NULL };
	struct kf_error err = KF_ERROR_INIT;
	char order_no[64];
	struct order_in o = { 0 };
	struct shipment_in s = { 0 };
	int64_t oid = 0, sid = 0;
	snprintf(order_no, sizeof(order_no), "O-%s", number);
	o.number = order_no;
	o.placed_at = T0;
	assert_int_equal(order_create(db, &a, T0, &o, &oid, &err), 0);
	s.order_id = oid;
	s.tracking_number = number;
	s.eta_at = eta;
	if (shipment_create(db, &a, T0, &s, &sid, &err) < 0)
		fail_msg("shipment_create: %s", err.message);
	return sid;
}

static void test_eta_job(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t eta = T0 + 86400, due = 0;
	int64_t id = new_shipment(f->db, "ETA-1", eta);
	assert_int_equal(job_due(f->db, DELAY_JOB_KIND, id, &due, &err), 0);
	assert_int_equal(due, eta);

	/* early (the ETA moved later than the job): nothing, and the job is due again at the ETA */
	assert_int_equal(delay_eta_job(f->db, id, eta - 10, &err), 0);
	assert_int_equal(notices(f->db, "open"), 0);

	/* at the ETA, undelivered: one notice; running again adds none */
	assert_int_equal(delay_eta_job(f->db, id, eta + 1, &err), 0);
	assert_int_equal(notices(f->db, "open"), 1);
	assert_int_equal(delay_eta_job(f->db, id, eta + 2, &err), 0);
	assert_int_equal(notices(f->db, "open"), 1);

	/* a delivered shipment raises none */
	int64_t id2 = new_shipment(f->db, "ETA-2", eta);
	struct tracking_event_in ev = { T0 + 10, "delivered", NULL, NULL, "api" };
	int added = 0;
	assert_int_equal(shipment_add_event(f->db, T0 + 10, id2, &ev, &added, &err), 0);
	assert_int_equal(added, 1);
	assert_int_equal(job_due(f->db, DELAY_JOB_KIND, id2, &due, &err), KF_ENOTFOUND);
	assert_int_equal(delay_eta_job(f->db, id2, eta + 1, &err), 0);
	assert_int_equal(notices(f->db, NULL), 1);

	/* an exception raises one at once; a missing shipment is no error */
	int64_t id3 = new_shipment(f->db, "ETA-3", 0);
	struct tracking_event_in ex = { T0 + 20, "exception", "广州", "damaged", "api" };
	assert_int_equal(shipment_add_event(f->db, T0 + 20, id3, &ex, &added, &err), 0);
	assert_int_equal(notices(f->db, "open"), 2);
	assert_int_equal(delay_eta_job(f->db, 999999, eta, &err), 0);
	assert_int_equal(notices(f->db, "done"), 0);
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_apply),
		cmocka_unit_test_setup_teardown(test_eta_job, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
