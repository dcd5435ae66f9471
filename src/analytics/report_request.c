/*
 * report_request.c - turning what a caller typed (query string or CLI
 * flags) into struct report_params: the period in a zone, the default
 * dimension, report options.  Shared by http/api_reports.c and
 * cli/cmd_report.c so that both read dates the same way.
 *
 * Dates.  "YYYY-MM-DD" is a local date in the zone: from is the start of
 * that day, to the end of that day (the next local midnight), so
 * from=2024-03-01&to=2024-03-31 is all of March.  An ISO 8601 instant is
 * taken as is, and to is then exclusive.  Without from and to the period
 * is the last 30 local days ending with today; with only one of them the
 * other is 30 days away from it.
 */
#include "analytics/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"
#include "desk/calendar.h"
#include "desk/calendar_store.h"
#include "base/xalloc.h"

#define DEFAULT_DAYS 30 /* the period without from/to */

/* Request parameters of every report; anything else is a report option. */
static const char *const reserved[] = { "from", "to", "by", "tz", "format", "lang", "header", "bom", NULL };

int report_param_reserved(const char *name)
{
	for (const char *const *r = reserved; *r; r++)
		if (strcmp(*r, name) == 0)
			return 1;
	return 0;
}

const char *report_default_by(const struct report_def *def)
{
	return def->by_allowed && def->by_allowed[0] ? def->by_allowed[0] : "";
}

int report_add_opt(struct report_params *p, const char *key, const char *value, struct kf_error *err)
{
	if (p->nopts == REPORT_OPTS_MAX)
		return kf_fail(err, KF_EINVAL, "too_many", key, "a report takes at most %d options",
		               REPORT_OPTS_MAX);
	p->opt_key[p->nopts] = key;
	p->opt_val[p->nopts++] = value ? value : "";
	return 0;
}

/* Local midnight (start of local day `day`) in z as a UTC instant. */
static int64_t day_start(const struct tz *z, int64_t day)
{
	return tz_from_local(z, day * 86400);
}

/* One end of the period into *at; is_to: a date means the end of that day. */
static int parse_end(const char *s, const char *field, int is_to, const struct tz *z, int64_t *at,
                     struct kf_error *err)
{
	int64_t day;
	if (strlen(s) == 10 && calendar_parse_date(s, &day, NULL) == 0) {
		*at = day_start(z, is_to ? day + 1 : day);
		return 0;
	}
	if (calendar_parse_iso(s, at) == 0)
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", field,
	               "%s must be a date YYYY-MM-DD or an ISO 8601 instant like 2024-03-01T08:00:00Z", field);
}

int report_parse_period(const char *from, const char *to, const char *tz, const char *dflt_tz, int64_t now,
                        struct report_params *p, struct kf_error *err)
{
	const struct tz *z = NULL;
	const char *name = tz && *tz ? tz : dflt_tz && *dflt_tz ? dflt_tz : "UTC";
	if (tz_load(name, &z, NULL) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "tz",
		               "tz must be an IANA time zone such as Asia/Shanghai");
	int has_from = from && *from, has_to = to && *to;
	int64_t f = 0, t = 0;
	if (has_from && parse_end(from, "from", 0, z, &f, err) < 0)
		return KF_EINVAL;
	if (has_to && parse_end(to, "to", 1, z, &t, err) < 0)
		return KF_EINVAL;
	if (!has_to) {
		int64_t today = tz_floordiv(tz_to_local(z, has_from ? f : now), 86400);
		t = day_start(z, has_from ? today + DEFAULT_DAYS : today + 1);
	}
	if (!has_from) {
		int64_t last = tz_floordiv(tz_to_local(z, t - 1), 86400);
		f = day_start(z, last + 1 - DEFAULT_DAYS);
	}
	if (f >= t)
		return kf_fail(err, KF_EINVAL, "invalid", "to", "to must be after from");
	p->from = f;
	p->to = t;
	p->tz = z->name;
	return 0;
}

void report_desk_tz(struct db *db, char *out, size_t outsz)
{
	struct calendar *c = xcalloc(1, sizeof *c);
	snprintf(out, outsz, "UTC");
	if (calendar_store_load(db, 0, c, NULL) == 0 && c->tz)
		snprintf(out, outsz, "%s", c->tz->name);
	free(c);
}
