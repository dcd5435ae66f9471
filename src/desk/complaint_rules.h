/*
 * complaint_rules.h - the rules of the complaint process (desk/complaint.c loads
 * the facts, asks these functions, and writes).
 * Pure: no store, no clock (now is passed in), no globals;
 * tests/unit/test_process_rules.c checks every rule.
 *
 * Complaint (seed 000 §9.2, 客户投诉处理流程), one step after another:
 *
 *   received -> initial_handling -> investigation -> solution
 *            -> implementation -> archived
 *
 *   step               required to enter it
 *   received           (the start)
 *   initial_handling   nothing: entering it records the acknowledgement
 *   investigation      acknowledged, classified (a category)
 *   solution           investigation_notes, root_cause, responsible_department
 *   implementation     solution
 *   archived           implemented, customer_confirmation, feedback_to_department
 *
 * Each step's requirements include the earlier steps' requirements.  A
 * complaint ticket may be resolved only when root_cause,
 * responsible_department and solution are set.
 */
#ifndef KF_COMPLAINT_RULES_H
#define KF_COMPLAINT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum complaint_step {
	CS_NONE = -1, /* not a step (parse failure) */
	CS_RECEIVED = 0, /* 接收投诉 */
	CS_INITIAL_HANDLING, /* 初步处理: acknowledged and classified */
	CS_INVESTIGATION, /* 调查处理 */
	CS_SOLUTION, /* 解决方案 */
	CS_IMPLEMENTATION, /* 实施解决方案 */
	CS_ARCHIVED, /* 归档与反馈 */
	CS_COUNT
};

/* What is recorded on a complaint, as far as the rules care. */
struct complaint_facts {
	int acknowledged; /* acknowledged_at is set */
	int classified; /* a category was chosen */
	int has_investigation_notes; /* non-empty investigation_notes */
	int has_root_cause; /* non-empty root_cause */
	int has_responsible_department; /* non-empty responsible_department */
	int has_solution; /* non-empty solution */
	int implemented; /* implemented_at is set */
	int customer_confirmed; /* customer_confirmation recorded (accepted or rejected) */
	int feedback_sent; /* feedback_to_department_at is set */
};

#define COMPLAINT_MISSING_MAX 9 /* at most this many names from complaint_rules_missing */

/* The step named s, or CS_NONE. */
enum complaint_step complaint_rules_step_parse(const char *s);
/* The name of a step ("received", ...); "" for CS_NONE.  Borrowed, static. */
const char *complaint_rules_step_name(enum complaint_step s);

/*
 * The field names missing to enter step to (cumulative), in the table's
 * order, into out (COMPLAINT_MISSING_MAX slots, borrowed static strings);
 * returns how many (0 = all there).
 */
size_t complaint_rules_missing(enum complaint_step to, const struct complaint_facts *f, const char **out);

/*
 * Whether a complaint at from may advance to to: only to the next step.
 * 0, or KF_ECONFLICT "bad_step" (field "to"), or "archived" when from is
 * the last step.  Then the requirements: KF_ECONFLICT "step_requirements"
 * with the first missing field as field and all of them in the message.
 */
int complaint_rules_check_advance(enum complaint_step from, enum complaint_step to,
                                  const struct complaint_facts *f, struct kf_error *err);

/* Whether the ticket may be resolved: 0 or KF_ECONFLICT "complaint_incomplete" naming what is missing. */
int complaint_rules_check_resolve(const struct complaint_facts *f, struct kf_error *err);

#endif
