/*
 * test_service_cost.c - the service-cost report (analytics/report_service_cost.c):
 * service from order_facts beside freight from stored quotes, by carrier
 * and by mode, on a SQLite database with hand-made rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analytics/report.h"
#include "store/db.h"

#define DAY 86400

struct fixture {
	char dir[64];
	struct store *store;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = DB_OPTIONS_INIT;
	char url[128];
	snprintf(f->dir, sizeof f->dir, "/tmp/kefu-test-sc-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	opt.create = 1;
	opt.sync_full = 0;
	snprintf(url, sizeof url, "sqlite:%s/kefu.db", f->dir);
	if (store_open(url, &opt, &f->store, &err) < 0 || !(f->db = store_db(f->store, &err)))
		fail_msg("store: %s", err.message);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(f->store);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* flags: 1 processed, 8 due, 16 on time, 128 perfect, 256 damaged (service_level.h). */
static const char rows[] =
        "INSERT INTO order_facts (order_id, day, carrier, mode, region, flags, lines, lines_complete, lines_stockout,"
        " units, units_shipped, cycle_s) VALUES"
        " (1, 20500, 'SF', 'express', '', 1|8|16|128, 1, 1, 0, 1, 1, 3600),"
        " (2, 20500, 'SF', 'express', '', 1|8|16, 1, 1, 0, 1, 1, 3600),"
        " (3, 20501, 'SF', 'express', '', 1|8|256, 1, 1, 0, 1, 1, 3600),"
        " (4, 20501, 'ZTO', 'road', '', 1|8|16|128, 1, 1, 0, 1, 1, 3600),"
        " (5, 20510, 'ZTO', 'road', '', 1|8, 1, 1, 0, 1, 1, 3600);"
        "INSERT INTO rate_cards (id, name, carrier, mode, csv, created_at, updated_at) VALUES"
        " (1, 'sf', 'SF', 'express', 'x', 0, 0), (2, 'zto', 'ZTO', 'road', 'x', 0, 0);"
        "INSERT INTO quotes (card_id, currency, total_minor, freight_minor, billable_g, request, result, created_at)"
        " VALUES (1, 'CNY', 0, 2000, 1000, '{}', '{}', 20500 * 86400),"
        " (1, 'CNY', 0, 3001, 3000, '{}', '{}', 20500 * 86400),"
        " (2, 'CNY', 0, 900, 3000, '{}', '{}', 20510 * 86400);";

static const struct report_cell *cell(const struct report_table *t, const char *key, const char *col)
{
	int c = report_col_index(t, col);
	assert_true(c >= 0);
	for (size_t r = 0; r < t->nrows; r++)
		if (strcmp(report_cell(t, r, 0)->s, key) == 0)
			return report_cell(t, r, (size_t)c);
	fail_msg("no row %s", key);
	return NULL;
}

static void test_by_carrier_and_mode(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(db_exec_script(f->db, rows, &err), 0);
	const struct report_def *def = report_find("service-cost");
	assert_non_null(def);
	/* the whole range, days in UTC (service_state's default zone may be Shanghai: use whole days far apart) */
	struct report_params p = { .from = 0, .to = 0, .by = "carrier" };
	struct report_table t;
	assert_int_equal(def->run(f->db, &p, &t, &err), 0);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(cell(&t, "SF", "orders")->i, 3);
	assert_float_equal(cell(&t, "SF", "otd")->d, 2.0 / 3.0, 1e-12);
	assert_float_equal(cell(&t, "SF", "perfect_order")->d, 1.0 / 3.0, 1e-12);
	assert_float_equal(cell(&t, "SF", "damage_rate")->d, 1.0 / 3.0, 1e-12);
	assert_int_equal(cell(&t, "SF", "quotes")->i, 2);
	assert_int_equal(cell(&t, "SF", "freight_mean")->i, 2501); /* 5001 / 2 = 2500.5, half up */
	assert_int_equal(cell(&t, "SF", "freight_per_kg")->i, 1250); /* 5001 per 4 kg = 1250.25 */
	assert_float_equal(cell(&t, "ZTO", "otd")->d, 0.5, 1e-12);
	assert_int_equal(cell(&t, "ZTO", "freight_per_kg")->i, 300);
	assert_string_equal(t.drill[0], "/api/v1/orders?carrier=SF");
	report_table_free(&t);

	p.by = "mode";
	assert_int_equal(def->run(f->db, &p, &t, &err), 0);
	assert_int_equal(cell(&t, "road", "orders")->i, 2);
	assert_int_equal(cell(&t, "express", "quotes")->i, 2);
	report_table_free(&t);

	/* a period that holds only day 20510 (UTC days; the facts' zone is at most a day off) */
	p.by = "carrier";
	p.from = 20505 * (int64_t)DAY;
	p.to = 20520 * (int64_t)DAY;
	assert_int_equal(def->run(f->db, &p, &t, &err), 0);
	assert_int_equal(t.nrows, 1);
	assert_int_equal(cell(&t, "ZTO", "orders")->i, 1);
	assert_int_equal(cell(&t, "ZTO", "quotes")->i, 1);
	assert_true(cell(&t, "ZTO", "otd")->d == 0);
	report_table_free(&t);

	struct report_params bad = { .by = "region" };
	assert_int_equal(report_check_params(def, &bad, &err), KF_EINVAL);
	assert_string_equal(err.field, "by");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_by_carrier_and_mode, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
