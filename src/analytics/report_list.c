/*
 * report_list.c - the registry of reports.  Each area adds its report_def
 * here (defined next to its run function).
 */
#include "analytics/report.h"
#include "analytics/quality.h"

#include <string.h>

static const struct report_def *const all_reports[] = {
	&report_three_controls,
	&report_staff,
	&report_complaints,
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
