/*
 * api_test.c - the test-only endpoints (ROUTE_TEST: they exist only on a
 * server started with test_clock on).  POST /api/v1/test/clock moves the
 * clock (base/clock.h); POST /api/v1/test/tick runs the scheduler's
 * passes due at the clock's now, synchronously, and names the jobs run.
 */
#include "base/clock.h"
#include "base/json.h"
#include "http/api.h"
#include "http/server.h"
#include "jobs/scheduler.h"

#define TEST_CLOCK_MAX_S (4102444800LL) /* 2100-01-01: far enough for any test */

static json_t *clock_json(void)
{
	int64_t ms = clock_now_ms();
	return json_pack("{s:I,s:I}", "now", (json_int_t)(ms / 1000), "now_ms", (json_int_t)ms);
}

/* {"now": UTC seconds} or {"advance": seconds}, one of them. */
static int clock_apply(json_t *body, struct kf_error *err)
{
	static const char *const keys[] = { "now", "advance", NULL };
	int64_t now = 0, advance = 0;
	int rc = json_only_keys(body, keys, err);
	int has_now = rc < 0 ? rc : json_get_int(body, "now", 0, 0, TEST_CLOCK_MAX_S, &now, err);
	if (has_now < 0)
		return has_now;
	int has_adv = json_get_int(body, "advance", 0, -TEST_CLOCK_MAX_S, TEST_CLOCK_MAX_S, &advance, err);
	if (has_adv < 0)
		return has_adv;
	if (has_now == has_adv)
		return kf_fail(err, KF_EINVAL, "invalid", "now", "give exactly one of now and advance");
	if (has_now)
		clock_set_ms(now * 1000);
	else
		clock_advance_ms(advance * 1000);
	return 0;
}

int api_test_clock(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	if (req_json(req, resp) < 0)
		return 0;
	if (clock_apply(req->json, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, clock_json());
}

static void ran_add(json_t *ran, const struct job *jobs, int n)
{
	for (int i = 0; i < n; i++)
		json_array_append_new(
		        ran,
		        json_pack("{s:s,s:I}", "kind", jobs[i].kind, "ref_id", (json_int_t)jobs[i].ref_id));
}

int api_test_tick(struct req *req, struct resp *resp)
{
	struct job jobs[SCHEDULER_BATCH];
	int64_t now = clock_now();
	json_t *ran = json_array();
	int n;
	do { /* a full batch means more may be due, as in the scheduler's loop */
		n = scheduler_tick_jobs(req->app->store, now, jobs);
		if (n > 0)
			ran_add(ran, jobs, n);
	} while (n == SCHEDULER_BATCH);
	if (n < 0) {
		json_decref(ran);
		return reply_error(resp, 503, "unavailable", NULL, "the scheduler pass failed (%d)", n);
	}
	json_t *out = clock_json();
	json_object_set_new(out, "ran", ran);
	return reply_json(resp, 200, out);
}
