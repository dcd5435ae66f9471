/*
 * api_reports.c - the reports API (report.h): the list of reports and one
 * report run for a period, as JSON or CSV.
 *
 * GET /api/v1/reports/{name}?from=&to=&tz=&by=&format=json|csv
 *     &lang=zh|en&header=labels|keys&bom=1|0&<option>=<value>...
 * Every query parameter that is not one of the common ones above is a
 * report option (up to REPORT_OPTS_MAX); a report reads the options it
 * knows and ignores the rest, and an option it reads with a bad value is
 * a 400 naming that option as the field.  Reports only read: they run on
 * the request thread with its own connection, like every GET.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "analytics/report.h"
#include "analytics/report_labels.h"
#include "auth/rbac.h"
#include "base/buf.h"
#include "base/tz.h"
#include "http/api_reports.h"

#define OPT_KEY_MAX 64 /* bytes of an option name */
#define OPT_VALUE_MAX 256 /* bytes of an option value */

/* May the caller run def?  Its permission is named in def->perm; an unknown name means report.read. */
static int may_run(const struct req *req, const struct report_def *def)
{
	size_t n = 0;
	const struct perm_info *t = rbac_table(&n);
	for (size_t i = 0; def->perm && i < n; i++)
		if (strcmp(t[i].name, def->perm) == 0)
			return rbac_allows((enum role)req->who.role, t[i].perm);
	return rbac_allows((enum role)req->who.role, PERM_REPORT_READ);
}

static json_t *by_list(const struct report_def *def)
{
	json_t *a = json_array();
	for (const char *const *b = def->by_allowed; b && *b; b++)
		json_array_append_new(a, json_string(*b));
	return a;
}

int api_reports_list(struct req *req, struct resp *resp)
{
	json_t *items = json_array();
	for (const struct report_def *const *d = report_all(); *d; d++) {
		if (!may_run(req, *d))
			continue;
		json_array_append_new(items,
		                      json_pack("{s:s,s:s,s:s,s:o,s:s}", "name", (*d)->name, "title_en",
		                                (*d)->title_en, "title_zh", (*d)->title_zh, "by", by_list(*d),
		                                "default_by", report_default_by(*d)));
	}
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* How the answer is written, from format, lang, header and bom. */
struct output {
	int csv; /* format=csv */
	struct report_render_opts ro;
};

static int parse_output(struct req *req, struct output *o, struct kf_error *err)
{
	const char *f = req_query(req, "format"), *lang = req_query(req, "lang");
	const char *h = req_query(req, "header"), *bom = req_query(req, "bom");
	const char *al = req_header(req, "Accept-Language");
	if (f && strcmp(f, "json") != 0 && strcmp(f, "csv") != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "format", "format must be json or csv");
	if (lang && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "lang", "lang must be zh or en");
	if (h && strcmp(h, "labels") != 0 && strcmp(h, "keys") != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "header", "header must be labels or keys");
	if (bom && strcmp(bom, "0") != 0 && strcmp(bom, "1") != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "bom", "bom must be 0 or 1");
	o->csv = f && strcmp(f, "csv") == 0;
	o->ro.lang = lang ? lang : al && strncmp(al, "zh", 2) == 0 ? "zh" : "en";
	o->ro.header_keys = h && strcmp(h, "keys") == 0;
	o->ro.bom = !bom || strcmp(bom, "1") == 0;
	return 0;
}

struct opt_walk {
	struct report_params *p;
	struct kf_error *err;
	int rc; /* the first failure */
};

static enum MHD_Result collect_opt(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct opt_walk *w = cls;
	(void)kind;
	if (w->rc < 0 || !key || report_param_reserved(key))
		return MHD_YES;
	if (strlen(key) > OPT_KEY_MAX || (value && strlen(value) > OPT_VALUE_MAX))
		w->rc = kf_fail(w->err, KF_EINVAL, "too_long", strlen(key) > OPT_KEY_MAX ? "option" : key,
		                "report options are at most %d bytes, their values %d", OPT_KEY_MAX,
		                OPT_VALUE_MAX);
	else
		w->rc = report_add_opt(w->p, key, value, w->err);
	return MHD_YES;
}

/* Fill p from the query string; KF_EINVAL with the field at fault. */
static int parse_params(struct req *req, const struct report_def *def, struct report_params *p,
                        struct kf_error *err)
{
	char desk_tz[TZ_NAME_MAX] = "UTC";
	const char *tz = req_query(req, "tz"), *by = req_query(req, "by");
	if ((!tz || !*tz) && req->db)
		report_desk_tz(req->db, desk_tz, sizeof(desk_tz));
	p->now = req->now;
	p->by = by && *by ? by : report_default_by(def);
	int rc = report_parse_period(req_query(req, "from"), req_query(req, "to"), tz, desk_tz, req->now, p,
	                             err);
	struct opt_walk w = { p, err, 0 };
	if (rc == 0 && req->conn)
		MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_opt, &w);
	rc = rc < 0 ? rc : w.rc;
	return rc < 0 ? rc : report_check_params(def, p, err);
}

static int reply_csv(struct resp *resp, const struct report_def *def, const struct report_table *t,
                     const struct output *o)
{
	char disp[160];
	int rc = report_to_csv(t, &o->ro, &resp->body);
	if (rc < 0)
		return reply_error(resp, 413, "too_large", NULL, "the report is too large to export");
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.csv\"", def->name);
	reply_header(resp, "Content-Disposition", disp);
	resp->content_type = "text/csv; charset=utf-8";
	resp->status = 200;
	return 0;
}

int api_reports_run(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct report_params p = { 0 };
	struct report_table t = { 0 };
	struct output o = { 0 };
	const char *name = req_param(req, "name");
	const struct report_def *def = name ? report_find(name) : NULL;
	if (!def)
		return reply_error(resp, 404, "not_found", "name", "no report named %s", name ? name : "");
	if (!may_run(req, def))
		return reply_error(resp, 403, "forbidden", NULL, "you may not run the report %s", def->name);
	if (parse_output(req, &o, &err) < 0 || parse_params(req, def, &p, &err) < 0)
		return reply_kf(resp, &err);
	int rc = def->run(req->db, &p, &t, &err);
	if (rc < 0)
		rc = reply_kf(resp, &err);
	else if (o.csv)
		rc = reply_csv(resp, def, &t, &o);
	else {
		report_localize_names(&t, strcmp(o.ro.lang, "zh") == 0);
		rc = reply_json(resp, 200, report_to_json(def, &p, &t));
	}
	report_table_free(&t);
	return rc;
}
