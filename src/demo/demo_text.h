/*
 * demo_text.h - what the demo's tickets say: for each ticket type a set
 * of scripts in Chinese and English (a subject, the customer's first
 * message, the agent's reply, the customer's answer, the agent's closing
 * reply and an internal note) that read like real customer service, and
 * the root cause / responsible department / solution of the complaint
 * classes.  Placeholders in the texts are filled by demo_expand:
 * {order} order number, {track} tracking number, {product} product name,
 * {carrier} carrier, {name} customer, {agent} agent.  PURE.
 */
#ifndef KF_DEMO_TEXT_H
#define KF_DEMO_TEXT_H

#include <stddef.h>

#include "demo/demo_rng.h"

#define DEMO_TEXT_MAX 1024 /* bytes of one expanded text, with NUL */

struct demo_script {
	const char *type; /* ticket type: inquiry, complaint, return, claim, suggestion, follow_up, care */
	int category_id; /* a category of migration 0005's tree; 0 = none */
	const char *lang; /* "zh" or "en" */
	const char *subject;
	const char *opening; /* the customer's first message */
	const char *reply; /* the agent's first public reply */
	const char *followup; /* the customer's answer */
	const char *closing; /* the agent's last public reply */
	const char *note; /* an internal note */
};

struct demo_vars {
	const char *order; /* DD20250301000123 */
	const char *track; /* SF1234567890123 */
	const char *product; /* 陶瓷马克杯 */
	const char *carrier; /* 顺丰速运 SF Express */
	const char *name; /* the customer */
	const char *agent; /* the agent's display name */
};

struct demo_rca {
	int category_id; /* the complaint's category */
	const char *root_cause;
	const char *department;
	const char *solution;
};

/* A script of type in lang ("zh" or "en"); never NULL for a valid type (falls back to zh). */
const struct demo_script *demo_script(struct demo_rng *r, const char *type, const char *lang);
/* The win-back call script (a care ticket) in lang, or the Chinese one. */
const struct demo_script *demo_winback_script(const char *lang);
/* The analysis of a complaint of category_id (a generic one for unknown categories). */
const struct demo_rca *demo_rca(int category_id);
/* tmpl with its placeholders filled, into out (n bytes, always terminated, cut at n). */
void demo_expand(const char *tmpl, const struct demo_vars *v, char *out, size_t n);
/* The number of scripts of type in lang (for tests). */
size_t demo_script_count(const char *type, const char *lang);

#endif
