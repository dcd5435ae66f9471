/*
 * report_list.c - the registry of reports.  Each area adds its report_def
 * here (defined next to its run function).
 */
#include "analytics/report.h"
#include "analytics/quality.h"
#include "analytics/report_value.h"

#include <string.h>

extern const struct report_def report_clv; /* report_clv.c */
extern const struct report_def report_surveys, report_servqual; /* report_surveys.c */
extern const struct report_def report_service_level; /* report_service.c */
extern const struct report_def report_service_cost; /* report_service_cost.c */

static const struct report_def *const all_reports[] = {
	&report_three_controls,
	&report_staff,
	&report_complaints,
	&report_surveys,
	&report_servqual,
	&report_service_level,
	&report_service_cost,
	&report_rfm,
	&report_abc,
	&report_loyalty,
	&report_lifecycle,
	&report_clv,
	NULL,
};

const struct report_def *const *report_all(void)
{
	return all_reports;
}

const struct report_def *report_find(const char *name)
{
	for (const struct report_def *const *d = all_reports; *d; d++)
		if (strcmp((*d)->name, name) == 0)
			return *d;
	return NULL;
}
