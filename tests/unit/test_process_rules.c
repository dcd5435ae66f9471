/*
 * test_process_rules.c - desk/process_rules.c: the complaint step machine
 * and its required fields (seed 000 §9.2), the return quantity, window
 * (七天无理由退货, §7.1), status and refund rules, and the claim payout cap.
 * Table-driven; each row reads like a case from the seeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "desk/claim_rules.h"
#include "desk/complaint_rules.h"
#include "desk/process_rules.h"
#include "desk/return_rules.h"
#include "base/banned.h"

#define DAY 86400
#define T0 1714521600 /* 2024-05-01T00:00:00Z: a delivery */

/* Every fact recorded: a complaint ready for archive. */
static const struct complaint_facts ALL = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
static const struct complaint_facts NONE;

static void assert_err(int rc, const struct kf_error *err, int code, const char *key, const char *field)
{
	assert_int_equal(rc, code);
	assert_int_equal(err->code, code);
	assert_string_equal(err->key, key);
	assert_string_equal(err->field, field ? field : "");
	assert_true(strlen(err->message) > 0);
}

/* ---- complaints ------------------------------------------------------ */

static void test_step_names(void **state)
{
	(void)state;
	static const char *const names[] = { "received", "initial_handling", "investigation",
		                             "solution", "implementation",   "archived" };
	for (int i = 0; i < CS_COUNT; i++) {
		assert_int_equal(complaint_rules_step_parse(names[i]), i);
		assert_string_equal(complaint_rules_step_name((enum complaint_step)i), names[i]);
	}
	assert_int_equal(complaint_rules_step_parse("closed"), CS_NONE);
	assert_int_equal(complaint_rules_step_parse(""), CS_NONE);
	assert_int_equal(complaint_rules_step_parse(NULL), CS_NONE);
	assert_string_equal(complaint_rules_step_name(CS_NONE), "");
	assert_string_equal(complaint_rules_step_name(CS_COUNT), "");
}

/* What each step needs with nothing recorded: cumulative, in order. */
static void test_missing_cumulative(void **state)
{
	(void)state;
	static const struct {
		enum complaint_step to;
		size_t n;
		const char *first, *last;
	} rows[] = {
		{ CS_RECEIVED, 0, NULL, NULL },
		{ CS_INITIAL_HANDLING, 0, NULL, NULL },
		{ CS_INVESTIGATION, 2, "acknowledged", "category_id" },
		{ CS_SOLUTION, 5, "acknowledged", "responsible_department" },
		{ CS_IMPLEMENTATION, 6, "acknowledged", "solution" },
		{ CS_ARCHIVED, 9, "acknowledged", "feedback_sent" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *out[COMPLAINT_MISSING_MAX];
		size_t n = complaint_rules_missing(rows[i].to, &NONE, out);
		assert_int_equal(n, rows[i].n);
		if (n) {
			assert_string_equal(out[0], rows[i].first);
			assert_string_equal(out[n - 1], rows[i].last);
		}
		assert_int_equal(complaint_rules_missing(rows[i].to, &ALL, out), 0);
	}
}

/* Each single fact, when missing, is named for exactly the steps from its own on. */
static void test_missing_each_fact(void **state)
{
	(void)state;
	static const struct {
		size_t offset;
		const char *field;
		enum complaint_step needed_from;
	} rows[] = {
		{ offsetof(struct complaint_facts, acknowledged), "acknowledged", CS_INVESTIGATION },
		{ offsetof(struct complaint_facts, classified), "category_id", CS_INVESTIGATION },
		{ offsetof(struct complaint_facts, has_investigation_notes), "investigation_notes",
		  CS_SOLUTION },
		{ offsetof(struct complaint_facts, has_root_cause), "root_cause", CS_SOLUTION },
		{ offsetof(struct complaint_facts, has_responsible_department), "responsible_department",
		  CS_SOLUTION },
		{ offsetof(struct complaint_facts, has_solution), "solution", CS_IMPLEMENTATION },
		{ offsetof(struct complaint_facts, implemented), "implemented", CS_ARCHIVED },
		{ offsetof(struct complaint_facts, customer_confirmed), "customer_confirmation", CS_ARCHIVED },
		{ offsetof(struct complaint_facts, feedback_sent), "feedback_sent", CS_ARCHIVED },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct complaint_facts f = ALL;
		int zero = 0;
		memcpy((char *)&f + rows[i].offset, &zero, sizeof(zero));
		for (int to = CS_RECEIVED; to < CS_COUNT; to++) {
			const char *out[COMPLAINT_MISSING_MAX];
			size_t n = complaint_rules_missing((enum complaint_step)to, &f, out);
			if (to >= (int)rows[i].needed_from) {
				assert_int_equal(n, 1);
				assert_string_equal(out[0], rows[i].field);
			} else {
				assert_int_equal(n, 0);
			}
		}
	}
}

/* Only the next step; never back, never skipping, nothing after archive. */
static void test_advance_order(void **state)
{
	(void)state;
	for (int from = CS_RECEIVED; from < CS_COUNT; from++) {
		for (int to = CS_NONE; to < CS_COUNT; to++) {
			struct kf_error err = KF_ERROR_INIT;
			int rc = complaint_rules_check_advance((enum complaint_step)from,
			                                       (enum complaint_step)to, &ALL, &err);
			if (from == CS_ARCHIVED)
				assert_err(rc, &err, KF_ECONFLICT, "archived", NULL);
			else if (to == from + 1)
				assert_int_equal(rc, 0);
			else
				assert_err(rc, &err, KF_ECONFLICT, "bad_step", "to");
		}
	}
}

static void test_advance_requirements(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct complaint_facts f = NONE;
	/* received -> initial_handling needs nothing. */
	assert_int_equal(complaint_rules_check_advance(CS_RECEIVED, CS_INITIAL_HANDLING, &f, &err), 0);
	/* Acknowledged but not classified: category_id is named. */
	f.acknowledged = 1;
	int rc = complaint_rules_check_advance(CS_INITIAL_HANDLING, CS_INVESTIGATION, &f, &err);
	assert_err(rc, &err, KF_ECONFLICT, "step_requirements", "category_id");
	f.classified = 1;
	assert_int_equal(complaint_rules_check_advance(CS_INITIAL_HANDLING, CS_INVESTIGATION, &f, &err), 0);
	/* To solution: all three named in the message, the first as field. */
	memset(&err, 0, sizeof(err));
	rc = complaint_rules_check_advance(CS_INVESTIGATION, CS_SOLUTION, &f, &err);
	assert_err(rc, &err, KF_ECONFLICT, "step_requirements", "investigation_notes");
	assert_non_null(strstr(err.message,
	                       "investigation_notes, root_cause and responsible_department are missing"));
	f.has_investigation_notes = f.has_root_cause = 1;
	rc = complaint_rules_check_advance(CS_INVESTIGATION, CS_SOLUTION, &f, &err);
	assert_err(rc, &err, KF_ECONFLICT, "step_requirements", "responsible_department");
	assert_non_null(strstr(err.message, "responsible_department is missing"));
	f.has_responsible_department = 1;
	assert_int_equal(complaint_rules_check_advance(CS_INVESTIGATION, CS_SOLUTION, &f, &err), 0);
	rc = complaint_rules_check_advance(CS_SOLUTION, CS_IMPLEMENTATION, &f, &err);
	assert_err(rc, &err, KF_ECONFLICT, "step_requirements", "solution");
	f.has_solution = 1;
	assert_int_equal(complaint_rules_check_advance(CS_SOLUTION, CS_IMPLEMENTATION, &f, &err), 0);
	/* Archive: implemented, confirmation and feedback, in that order. */
	rc = complaint_rules_check_advance(CS_IMPLEMENTATION, CS_ARCHIVED, &f, &err);
	assert_err(rc, &err, KF_ECONFLICT, "step_requirements", "implemented");
	f.implemented = 1;
	rc = complaint_rules_check_advance(CS_IMPLEMENTATION, CS_ARCHIVED, &f, &err);
	assert_err(rc, &err, KF_ECONFLICT, "step_requirements", "customer_confirmation");
	f.customer_confirmed = 1;
	rc = complaint_rules_check_advance(CS_IMPLEMENTATION, CS_ARCHIVED, &f, &err);
	assert_err(rc, &err, KF_ECONFLICT, "step_requirements", "feedback_sent");
	f.feedback_sent = 1;
	assert_int_equal(complaint_rules_check_advance(CS_IMPLEMENTATION, CS_ARCHIVED, &f, &err), 0);
}

static void test_resolve(void **state)
{
	(void)state;
	static const struct {
		int root, dept, solution;
		const char *field; /* NULL = may resolve */
		const char *names;
	} rows[] = {
		{ 0, 0, 0, "root_cause", "root_cause, responsible_department and solution are missing" },
		{ 1, 0, 0, "responsible_department", "responsible_department and solution are missing" },
		{ 0, 1, 0, "root_cause", "root_cause and solution are missing" },
		{ 0, 0, 1, "root_cause", "root_cause and responsible_department are missing" },
		{ 1, 1, 0, "solution", "solution is missing" },
		{ 1, 0, 1, "responsible_department", "responsible_department is missing" },
		{ 0, 1, 1, "root_cause", "root_cause is missing" },
		{ 1, 1, 1, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		struct complaint_facts f = NONE;
		f.has_root_cause = rows[i].root;
		f.has_responsible_department = rows[i].dept;
		f.has_solution = rows[i].solution;
		int rc = complaint_rules_check_resolve(&f, &err);
		if (!rows[i].field) {
			assert_int_equal(rc, 0);
			assert_int_equal(err.code, 0);
			continue;
		}
		assert_err(rc, &err, KF_ECONFLICT, "complaint_incomplete", rows[i].field);
		assert_non_null(strstr(err.message, rows[i].names));
	}
}

/* ---- returns --------------------------------------------------------- */

static void test_return_names(void **state)
{
	(void)state;
	static const char *const st[] = { "requested", "authorised", "received", "inspected",
		                          "refunded",  "exchanged",  "repaired", "rejected" };
	for (int i = 0; i < RS_COUNT; i++) {
		assert_int_equal(return_rules_status_parse(st[i]), i);
		assert_string_equal(return_rules_status_name((enum return_status)i), st[i]);
		assert_int_equal(return_rules_status_terminal((enum return_status)i), i >= RS_REFUNDED);
	}
	assert_int_equal(return_rules_status_parse("authorized"), RS_NONE);
	assert_int_equal(return_rules_action_parse("refund"), RA_REFUND);
	assert_int_equal(return_rules_action_parse("exchange"), RA_EXCHANGE);
	assert_int_equal(return_rules_action_parse("repair"), RA_REPAIR);
	assert_int_equal(return_rules_action_parse("swap"), RA_NONE);
	assert_string_equal(return_rules_action_name(RA_NONE), "");
	assert_true(return_rules_inspection_valid("ok"));
	assert_true(return_rules_inspection_valid("damaged"));
	assert_true(return_rules_inspection_valid("not_as_described"));
	assert_false(return_rules_inspection_valid("fine"));
	assert_false(return_rules_inspection_valid(NULL));
}

/* Partial deliveries and earlier returns. */
static void test_returnable(void **state)
{
	(void)state;
	static const struct {
		int64_t delivered, already, want;
		int64_t left;
		int ok;
	} rows[] = {
		{ 3, 0, 3, 3, 1 }, /* all delivered, nothing returned: all of it */
		{ 3, 0, 4, 3, 0 }, /* never more than delivered */
		{ 5, 2, 2, 3, 1 }, /* partial delivery of 10: 5 arrived, 2 returned already */
		{ 5, 2, 3, 3, 1 }, /* exactly what is left */
		{ 5, 2, 4, 3, 0 }, /* one more than left */
		{ 0, 0, 1, 0, 0 }, /* nothing delivered yet */
		{ 2, 2, 1, 0, 0 }, /* everything already in returns */
		{ 2, 3, 1, 0, 0 }, /* more in returns than delivered (data drift): never negative */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		assert_int_equal(return_rules_returnable(rows[i].delivered, rows[i].already), rows[i].left);
		int rc = return_rules_check_quantity(42, rows[i].want, rows[i].delivered, rows[i].already,
		                                     &err);
		if (rows[i].ok) {
			assert_int_equal(rc, 0);
		} else {
			assert_err(rc, &err, KF_ECONFLICT, "return_quantity", "quantity");
			assert_non_null(strstr(err.message, "order line 42"));
		}
	}
	struct kf_error err = KF_ERROR_INIT;
	assert_err(return_rules_check_quantity(1, 0, 5, 0, &err), &err, KF_EINVAL, "range", "quantity");
	assert_err(return_rules_check_quantity(1, -1, 5, 0, &err), &err, KF_EINVAL, "range", "quantity");
}

/* The window: exactly 7 days in, 7 days + 1 s out; category windows. */
static void test_window(void **state)
{
	(void)state;
	static const struct {
		int64_t delivered_at;
		int days;
		int64_t now;
		int open;
		int64_t deadline;
	} rows[] = {
		{ T0, -1, T0, 1, T0 + 7 * DAY }, /* the delivery moment itself */
		{ T0, -1, T0 + 7 * DAY - 1, 1, T0 + 7 * DAY },
		{ T0, -1, T0 + 7 * DAY, 1, T0 + 7 * DAY }, /* exactly 7 days: still inside */
		{ T0, -1, T0 + 7 * DAY + 1, 0, T0 + 7 * DAY }, /* 7 days + 1 s: closed */
		{ T0, 7, T0 + 7 * DAY + 1, 0, T0 + 7 * DAY },
		{ T0, 15, T0 + 14 * DAY, 1, T0 + 15 * DAY }, /* a category with 15 days */
		{ T0, 15, T0 + 15 * DAY + 1, 0, T0 + 15 * DAY },
		{ T0, 0, T0, 1, T0 }, /* a category with no window: only the delivery second */
		{ T0, 0, T0 + 1, 0, T0 },
		{ 0, -1, T0, 0, 0 }, /* nothing delivered: never open */
		{ T0, 100000, T0 + 3650 * DAY + 1, 0, T0 + 3650 * DAY }, /* capped */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int64_t deadline = -1;
		assert_int_equal(
		        return_rules_window_open(rows[i].delivered_at, rows[i].days, rows[i].now, &deadline),
		        rows[i].open);
		assert_int_equal(deadline, rows[i].deadline);
	}
}

static void test_window_override(void **state)
{
	(void)state;
	static const struct {
		int64_t now;
		const char *reason;
		int manager;
		int rc;
		const char *key;
		int overridden;
	} rows[] = {
		{ T0 + 7 * DAY, NULL, 0, 0, NULL, 0 }, /* inside: nothing to override */
		{ T0 + 7 * DAY, "goodwill", 0, 0, NULL, 0 }, /* inside: a reason changes nothing */
		{ T0 + 7 * DAY + 1, NULL, 0, KF_ECONFLICT, "return_window_closed", 0 },
		{ T0 + 7 * DAY + 1, NULL, 1, KF_ECONFLICT, "return_window_closed",
		  0 }, /* a manager needs a reason */
		{ T0 + 7 * DAY + 1, "", 1, KF_ECONFLICT, "return_window_closed", 0 }, /* an empty reason is none */
		{ T0 + 7 * DAY + 1, "VIP goodwill", 0, KF_EPERM, "override_forbidden", 0 }, /* an agent cannot */
		{ T0 + 7 * DAY + 1, "VIP goodwill", 1, 0, NULL, 1 }, /* a manager with a reason can */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int overridden = -1;
		int rc = return_rules_check_window(T0, -1, rows[i].now, rows[i].reason, rows[i].manager,
		                                   &overridden, &err);
		assert_int_equal(overridden, rows[i].overridden);
		if (rows[i].rc == 0)
			assert_int_equal(rc, 0);
		else
			assert_err(rc, &err, rows[i].rc, rows[i].key, "window_override_reason");
	}
	/* The refusal names the deadline in UTC. */
	struct kf_error err = KF_ERROR_INIT;
	int overridden;
	return_rules_check_window(T0, -1, T0 + 8 * DAY, NULL, 0, &overridden, &err);
	assert_non_null(strstr(err.message, "2024-05-08T00:00:00Z"));
	assert_non_null(strstr(err.message, "7 days"));
	/* No delivery: closed, overridable. */
	assert_err(return_rules_check_window(0, -1, T0, NULL, 0, &overridden, &err), &err, KF_ECONFLICT,
	           "return_window_closed", "window_override_reason");
	assert_int_equal(return_rules_check_window(0, -1, T0, "lost tracking", 1, &overridden, &err), 0);
	assert_int_equal(overridden, 1);
}

/* Every (from, to) pair against the table, for the refund action. */
static void test_return_moves(void **state)
{
	(void)state;
	/* allowed[from] = bit set of to */
	static const unsigned allowed[RS_COUNT] = {
		[RS_REQUESTED] = 1u << RS_AUTHORISED | 1u << RS_REJECTED,
		[RS_AUTHORISED] = 1u << RS_RECEIVED | 1u << RS_REJECTED,
		[RS_RECEIVED] = 1u << RS_INSPECTED,
		[RS_INSPECTED] = 1u << RS_REFUNDED | 1u << RS_REJECTED,
	};
	for (int from = 0; from < RS_COUNT; from++) {
		for (int to = RS_NONE; to < RS_COUNT; to++) {
			struct kf_error err = KF_ERROR_INIT;
			int rc = return_rules_check_move((enum return_status)from, (enum return_status)to,
			                                 RA_REFUND, 1, &err);
			if (to >= 0 && (allowed[from] & (1u << to)))
				assert_int_equal(rc, 0);
			else
				assert_err(rc, &err, KF_ECONFLICT, "bad_status", "to");
		}
	}
}

static void test_return_outcomes(void **state)
{
	(void)state;
	static const struct {
		enum return_action action;
		enum return_status to;
		int ok;
	} rows[] = {
		{ RA_REFUND, RS_REFUNDED, 1 },   { RA_REFUND, RS_EXCHANGED, 0 },
		{ RA_REFUND, RS_REPAIRED, 0 },   { RA_EXCHANGE, RS_EXCHANGED, 1 },
		{ RA_EXCHANGE, RS_REFUNDED, 0 }, { RA_REPAIR, RS_REPAIRED, 1 },
		{ RA_REPAIR, RS_REFUNDED, 0 },   { RA_REPAIR, RS_REJECTED, 1 },
		{ RA_EXCHANGE, RS_REJECTED, 1 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int rc = return_rules_check_move(RS_INSPECTED, rows[i].to, rows[i].action, 1, &err);
		if (rows[i].ok)
			assert_int_equal(rc, 0);
		else
			assert_err(rc, &err, KF_ECONFLICT, "bad_status", "to");
	}
	/* Inspected needs a result. */
	struct kf_error err = KF_ERROR_INIT;
	assert_err(return_rules_check_move(RS_RECEIVED, RS_INSPECTED, RA_REFUND, 0, &err), &err, KF_ECONFLICT,
	           "step_requirements", "inspection_result");
	assert_int_equal(return_rules_check_move(RS_RECEIVED, RS_INSPECTED, RA_REFUND, 1, &err), 0);
}

static void test_refund_cap(void **state)
{
	(void)state;
	const int64_t q[] = { 2, 1 }, price[] = { 4999, 12000 };
	int64_t value = -1;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(return_rules_lines_value(q, price, 2, &value, &err), 0);
	assert_int_equal(value, 2 * 4999 + 12000);
	assert_int_equal(return_rules_lines_value(q, price, 0, &value, &err), 0);
	assert_int_equal(value, 0);
	const int64_t big_q[] = { INT64_MAX / 2 }, big_p[] = { 3 };
	assert_err(return_rules_lines_value(big_q, big_p, 1, &value, &err), &err, KF_EINVAL, "range", "lines");
	const int64_t two_q[] = { 1, 1 }, two_p[] = { INT64_MAX, 1 };
	assert_err(return_rules_lines_value(two_q, two_p, 2, &value, &err), &err, KF_EINVAL, "range", "lines");

	static const struct {
		int64_t refund, value;
		int manager, rc;
		const char *key;
	} rows[] = {
		{ 0, 21998, 0, 0, NULL },
		{ 21998, 21998, 0, 0, NULL }, /* the full value */
		{ 21999, 21998, 0, KF_EPERM, "refund_over_value" }, /* one fen more: an agent cannot */
		{ 21999, 21998, 1, 0, NULL }, /* a manager can */
		{ -1, 21998, 1, KF_EINVAL, "range" }, /* never negative */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&err, 0, sizeof(err));
		int rc = return_rules_check_refund(rows[i].refund, rows[i].value, rows[i].manager, &err);
		if (rows[i].rc == 0)
			assert_int_equal(rc, 0);
		else
			assert_err(rc, &err, rows[i].rc, rows[i].key, "refund_minor");
	}
}

/* ---- claims ---------------------------------------------------------- */

static void test_claim_names(void **state)
{
	(void)state;
	static const char *const d[] = { "pending", "approved", "partially_approved", "rejected" };
	for (int i = 0; i < CD_COUNT; i++) {
		assert_int_equal(claim_rules_decision_parse(d[i]), i);
		assert_string_equal(claim_rules_decision_name((enum claim_decision)i), d[i]);
	}
	assert_int_equal(claim_rules_decision_parse("approve"), CD_NONE);
	assert_true(claim_rules_kind_valid("damage"));
	assert_true(claim_rules_kind_valid("loss"));
	assert_true(claim_rules_kind_valid("late"));
	assert_false(claim_rules_kind_valid("theft"));
	assert_true(claim_rules_recovery_status_valid("none"));
	assert_true(claim_rules_recovery_status_valid("recovered"));
	assert_false(claim_rules_recovery_status_valid("maybe"));
	assert_true(process_rules_currency_valid("CNY"));
	assert_true(process_rules_currency_valid("USD"));
	assert_false(process_rules_currency_valid("cny"));
	assert_false(process_rules_currency_valid("CN"));
	assert_false(process_rules_currency_valid("CNYY"));
	assert_false(process_rules_currency_valid(NULL));
}

static void test_payout(void **state)
{
	(void)state;
	static const struct {
		enum claim_decision d;
		int64_t payout, declared;
		int reason, manager;
		int rc;
		const char *key, *field;
	} rows[] = {
		{ CD_APPROVED, 50000, 50000, 0, 0, 0, NULL, NULL }, /* the declared value, no reason needed */
		{ CD_APPROVED, 50001, 50000, 0, 0, KF_EPERM, "payout_over_declared", "payout_minor" },
		{ CD_APPROVED, 50001, 50000, 0, 1, 0, NULL, NULL }, /* a manager may pay more */
		{ CD_APPROVED, 0, 0, 0, 0, 0, NULL, NULL },
		{ CD_PARTIALLY_APPROVED, 20000, 50000, 1, 0, 0, NULL, NULL },
		{ CD_PARTIALLY_APPROVED, 20000, 50000, 0, 0, KF_EINVAL, "required", "decision_reason" },
		{ CD_PARTIALLY_APPROVED, 60000, 50000, 1, 0, KF_EPERM, "payout_over_declared", "payout_minor" },
		{ CD_REJECTED, 0, 50000, 1, 0, 0, NULL, NULL },
		{ CD_REJECTED, 1, 50000, 1, 1, KF_EINVAL, "invalid", "payout_minor" }, /* 0 even for a manager */
		{ CD_REJECTED, 0, 50000, 0, 0, KF_EINVAL, "required", "decision_reason" },
		{ CD_APPROVED, -1, 50000, 0, 1, KF_EINVAL, "range", "payout_minor" },
		{ CD_PENDING, 0, 50000, 0, 1, KF_EINVAL, "invalid", "decision" },
		{ CD_NONE, 0, 50000, 0, 1, KF_EINVAL, "invalid", "decision" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int rc = claim_rules_check_payout(rows[i].d, rows[i].payout, rows[i].declared, rows[i].reason,
		                                  rows[i].manager, &err);
		if (rows[i].rc == 0)
			assert_int_equal(rc, 0);
		else
			assert_err(rc, &err, rows[i].rc, rows[i].key, rows[i].field);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_names),
		cmocka_unit_test(test_missing_cumulative),
		cmocka_unit_test(test_missing_each_fact),
		cmocka_unit_test(test_advance_order),
		cmocka_unit_test(test_advance_requirements),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_return_names),
		cmocka_unit_test(test_returnable),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_window_override),
		cmocka_unit_test(test_return_moves),
		cmocka_unit_test(test_return_outcomes),
		cmocka_unit_test(test_refund_cap),
		cmocka_unit_test(test_claim_names),
		cmocka_unit_test(test_payout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
