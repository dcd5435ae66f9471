/*
 * complaint_rules.c - see complaint_rules.h.  Tables drive the names and the requirements;
 * every function is a lookup or a comparison.
 */
#include "desk/complaint_rules.h"

#include <stdio.h>
#include <string.h>

#include "desk/process_rules.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const step_names[CS_COUNT] = {
	"received", "initial_handling", "investigation", "solution", "implementation", "archived",
};

enum complaint_step complaint_rules_step_parse(const char *s)
{
	return (enum complaint_step)process_rules_name_index(step_names, NELEM(step_names), s);
}

const char *complaint_rules_step_name(enum complaint_step s)
{
	return process_rules_name_at(step_names, NELEM(step_names), (int)s);
}

/* Seed 000 §9.2: what each step needs before it can be entered. */
static const struct {
	enum complaint_step step; /* the step that needs it */
	const char *field; /* the API field name */
	size_t offset; /* the flag in struct complaint_facts */
} requirements[] = {
	{ CS_INVESTIGATION, "acknowledged", offsetof(struct complaint_facts, acknowledged) },
	{ CS_INVESTIGATION, "category_id", offsetof(struct complaint_facts, classified) },
	{ CS_SOLUTION, "investigation_notes", offsetof(struct complaint_facts, has_investigation_notes) },
	{ CS_SOLUTION, "root_cause", offsetof(struct complaint_facts, has_root_cause) },
	{ CS_SOLUTION, "responsible_department", offsetof(struct complaint_facts, has_responsible_department) },
	{ CS_IMPLEMENTATION, "solution", offsetof(struct complaint_facts, has_solution) },
	{ CS_ARCHIVED, "implemented", offsetof(struct complaint_facts, implemented) },
	{ CS_ARCHIVED, "customer_confirmation", offsetof(struct complaint_facts, customer_confirmed) },
	{ CS_ARCHIVED, "feedback_sent", offsetof(struct complaint_facts, feedback_sent) },
};

static int fact(const struct complaint_facts *f, size_t offset)
{
	int v;
	memcpy(&v, (const char *)f + offset, sizeof(v));
	return v;
}

size_t complaint_rules_missing(enum complaint_step to, const struct complaint_facts *f, const char **out)
{
	size_t n = 0;
	for (size_t i = 0; i < NELEM(requirements); i++)
		if (requirements[i].step <= to && !fact(f, requirements[i].offset))
			out[n++] = requirements[i].field;
	return n;
}

/* "a, b and c" of names into dst. */
static void join_names(const char **names, size_t n, char *dst, size_t cap)
{
	size_t used = 0;
	dst[0] = '\0';
	for (size_t i = 0; i < n && used < cap; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
		int w = snprintf(dst + used, cap - used, "%s%s", sep, names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* KF_ECONFLICT key naming the missing fields, or 0 when none are missing. */
static int fail_missing(const char **missing, size_t n, const char *key, const char *what, struct kf_error *err)
{
	char list[200];
	if (n == 0)
		return 0;
	join_names(missing, n, list, sizeof(list));
	int rc = kf_fail(err, KF_ECONFLICT, key, missing[0], "%s: %s %s missing", what, list,
	                 n == 1 ? "is" : "are");
	/* details.fields: every missing field, for messages in the reader's words */
	char csv[KF_ERR_DETAIL_VALUE_MAX] = "";
	for (size_t i = 0, used = 0; i < n; i++) {
		int w = snprintf(csv + used, sizeof(csv) - used, "%s%s", i ? "," : "", missing[i]);
		if (w < 0 || (size_t)w >= sizeof(csv) - used)
			break;
		used += (size_t)w;
	}
	kf_detail_list(err, "fields", csv);
	return rc;
}

int complaint_rules_check_advance(enum complaint_step from, enum complaint_step to,
                                  const struct complaint_facts *f, struct kf_error *err)
{
	const char *missing[COMPLAINT_MISSING_MAX];
	char what[64];
	if (from == CS_ARCHIVED)
		return kf_fail(err, KF_ECONFLICT, "archived", NULL,
		               "the complaint is archived and can no longer change");
	if (from == CS_NONE || to != from + 1)
		return kf_fail(err, KF_ECONFLICT, "bad_step", "to", "a complaint at %s can only advance to %s",
		               complaint_rules_step_name(from), complaint_rules_step_name(from + 1));
	size_t n = complaint_rules_missing(to, f, missing);
	snprintf(what, sizeof(what), "cannot advance to %s", complaint_rules_step_name(to));
	return fail_missing(missing, n, "step_requirements", what, err);
}

int complaint_rules_check_resolve(const struct complaint_facts *f, struct kf_error *err)
{
	const char *missing[3];
	size_t n = 0;
	if (!f->has_root_cause)
		missing[n++] = "root_cause";
	if (!f->has_responsible_department)
		missing[n++] = "responsible_department";
	if (!f->has_solution)
		missing[n++] = "solution";
	return fail_missing(missing, n, "complaint_incomplete", "the complaint cannot be resolved", err);
}
