/*
 * category.h - the ticket category tree: the complaint classes of seed
 * 000 ch. 9.1 (product quality, logistics delay, damage/loss, wrong item,
 * service attitude, billing, returns, inquiry, suggestion, other) with
 * their children, in Chinese and English.  Seeded by migration 0005.
 * return_window_days (NULL = the default 7 days) is read by the returns
 * process.
 */
#ifndef KF_CATEGORY_H
#define KF_CATEGORY_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"

#include "base/err.h"

struct db;

/*
 * The whole tree: an array of roots, each {id, code, name_zh, name_en,
 * sort, return_window_days, version, children: [...]}.  *out is owned.
 */
int category_tree(struct db *db, json_t **out, struct kf_error *err);

/* A new category or a change; NULL / CATEGORY_KEEP = keep (or default). */
#define CATEGORY_KEEP (-2) /* for sort and return_window_days; -1 = NULL (the default window) */
struct category_fields {
	int64_t parent_id; /* 0 = a root */
	const char *code; /* create only: [a-z0-9_], unique */
	const char *name_zh;
	const char *name_en;
	int64_t sort;
	int64_t return_window_days;
};

/* Create (code, name_zh, name_en required); *out is the new row. Audited. */
int category_create(struct db *db, const struct actor *a, int64_t now, const struct category_fields *f,
                    json_t **out, struct kf_error *err);
/* Change names, sort, return window at version; KF_ESTALE when it moved. Audited. */
int category_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    const struct category_fields *f, json_t **out, struct kf_error *err);

#endif
