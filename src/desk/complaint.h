/*
 * complaint.h - the complaint process of a complaint ticket (seed 000
 * §9.2 客户投诉处理流程; the steps and what each requires are in
 * desk/complaint_rules.h): acknowledgement and classification, the
 * investigation (notes, root cause, responsible department), the
 * solution with its compensation, its implementation, the customer's
 * confirmation, the feedback to the department, and the archive.
 *
 * One record per complaint ticket (complaints table), created by the
 * first change; until then the ticket reads as received, version 1.
 * Every change runs in one transaction with its ticket_events row
 * (before -> after), with optimistic concurrency on version.
 */
#ifndef KF_COMPLAINT_H
#define KF_COMPLAINT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "base/textlen.h"
#include "desk/complaint_rules.h"

struct db;

#define COMPLAINT_TEXT_MAX 4000 /* characters of notes, root cause, solution */
#define COMPLAINT_DEPT_MAX 128 /* characters of the responsible department */

struct complaint {
	int64_t ticket_id; /* the complaint ticket */
	enum complaint_step step; /* the step reached */
	int64_t acknowledged_at; /* 0 = not yet */
	int64_t classified_at; /* 0 = not yet */
	int64_t category_id; /* 0 = not classified */
	char investigation_notes[TEXTLEN_BYTES(COMPLAINT_TEXT_MAX)]; /* "" = none */
	char root_cause[TEXTLEN_BYTES(COMPLAINT_TEXT_MAX)]; /* "" = none */
	char responsible_department[TEXTLEN_BYTES(COMPLAINT_DEPT_MAX)]; /* "" = none */
	char solution[TEXTLEN_BYTES(COMPLAINT_TEXT_MAX)]; /* "" = none */
	int64_t compensation_minor; /* >= 0, minor units of currency */
	char currency[4]; /* ISO 4217 */
	int64_t implemented_at; /* 0 = not yet */
	char customer_confirmation[12]; /* "", "accepted" or "rejected" */
	int64_t customer_confirmed_at; /* 0 = not yet */
	int64_t feedback_to_department_at; /* 0 = not yet */
	int64_t archived_at; /* 0 = not yet */
	int64_t created_at, updated_at; /* UTC seconds */
	int64_t version; /* optimistic concurrency */
};

/* A change: NULL / -1 / 0 fields are left as they are. */
struct complaint_patch {
	int64_t category_id; /* 0 = unchanged; classifies the complaint */
	const char *investigation_notes, *root_cause, *responsible_department, *solution; /* NULL = unchanged */
	int64_t compensation_minor; /* -1 = unchanged */
	const char *currency; /* NULL = unchanged */
	int implemented; /* 1 = record the implementation now */
	const char *customer_confirmation; /* "accepted" / "rejected"; NULL = unchanged */
	int feedback_sent; /* 1 = record the feedback to the department now */
};
#define COMPLAINT_PATCH_INIT \
	{ \
		0, NULL, NULL, NULL, NULL, -1, NULL, 0, NULL, 0 \
	}

/* The complaint of ticket_id (KF_ENOTFOUND / KF_ECONFLICT "wrong_ticket_type" as process_ticket_load). */
int complaint_get(struct db *db, int64_t ticket_id, struct complaint *out, struct kf_error *err);

/*
 * Apply p and, when to is not CS_NONE, advance to that step (which must
 * be the next one, with its requirements met after p is applied).
 * version must match (KF_ESTALE).  Marking implemented, confirmed or
 * feedback before the implementation step is KF_ECONFLICT "wrong_step";
 * an archived complaint no longer changes (KF_ECONFLICT "archived").
 * *out is the complaint after the change.
 */
int complaint_change(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                     enum complaint_step to, const struct complaint_patch *p, struct complaint *out,
                     struct kf_error *err);

/* The API shape, with next_step and what it still needs (missing_for_next). */
json_t *complaint_to_json(const struct complaint *c);

/* For desk_can_resolve: root cause, responsible department and solution must be set. */
int complaint_can_resolve(struct db *db, int64_t ticket_id, struct kf_error *err);

#endif
