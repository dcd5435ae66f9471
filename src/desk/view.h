/*
 * view.h - saved views: a user's named inbox filters ("my urgent
 * complaints", "unassigned logistics delays").  The query is a JSON
 * object of the filters the list it belongs to accepts (for kind
 * "tickets": state, type, priority, assignee, team, category_id, q,
 * sort); the view only stores it, the list endpoint applies it.
 */
#ifndef KF_VIEW_H
#define KF_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct db;

/* Kinds of list a view can belong to. */
int view_kind_valid(const char *kind, struct kf_error *err);

int view_create(struct db *db, int64_t user_id, const char *name, const char *kind, json_t *query,
                int64_t now, json_t **out, struct kf_error *err);
/* The user's views, by name. */
int view_list(struct db *db, int64_t user_id, json_t **items, struct kf_error *err);
/* KF_ENOTFOUND unless the view is the user's. */
int view_get(struct db *db, int64_t user_id, int64_t id, json_t **out, struct kf_error *err);
/* name or query may be NULL (kept); KF_ESTALE when version is not the stored one. */
int view_update(struct db *db, int64_t user_id, int64_t id, int64_t version, const char *name, json_t *query,
                int64_t now, json_t **out, struct kf_error *err);
int view_delete(struct db *db, int64_t user_id, int64_t id, struct kf_error *err);

#endif
