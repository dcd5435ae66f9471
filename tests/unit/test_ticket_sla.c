/*
 * test_ticket_sla.c - ticket_sla_classify (desk/ticket.c): the classes of
 * the inbox's "due soon / breaching" view, a table of cases around the
 * edges (due exactly now, the warning instant exactly now, the horizon
 * exactly reached, no warning instant, no running clock).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "desk/ticket.h"
#include "base/banned.h"

struct sla_case {
	int64_t due, warn, now, soon_s;
	enum ticket_sla_class want;
	const char *why;
};

static const struct sla_case cases[] = {
	{ 1000, 800, 1001, 7200, TICKET_SLA_BREACHED, "due a second ago" },
	{ 1000, 800, 1000, 7200, TICKET_SLA_BREACHED, "due exactly now counts as breached" },
	{ 1000, 0, 5000, 0, TICKET_SLA_BREACHED, "long past due, no warning instant" },
	{ 100000, 800, 900, 60, TICKET_SLA_DUE_SOON, "the 80 % instant has passed" },
	{ 100000, 900, 900, 60, TICKET_SLA_DUE_SOON, "the 80 % instant is now" },
	{ 100000, 901, 900, 60, 0, "the 80 % instant is a second away, due far away" },
	{ 100000, 0, 900, 60, 0, "no warning instant, due far away" },
	{ 8100, 0, 900, 7200, TICKET_SLA_DUE_SOON, "due exactly at the horizon" },
	{ 8101, 0, 900, 7200, 0, "due a second past the horizon" },
	{ 8101, 8000, 900, 7200, 0, "warning later, due past the horizon" },
	{ 0, 0, 900, 7200, 0, "no running clock" },
};

static void test_classes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sla_case *c = &cases[i];
		enum ticket_sla_class got = ticket_sla_classify(c->due, c->warn, c->now, c->soon_s);
		if (got != c->want)
			fail_msg("case %zu (%s): got %d, want %d", i, c->why, (int)got, (int)c->want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
