/*
 * team.h - teams and their members (the assignment among members is
 * routing.h).  Writes are audited and versioned (If-Match).
 *
 * Team JSON: {"name","manager_id","calendar_id",
 * "mode":"round_robin"|"least_loaded"}.
 */
#ifndef KF_TEAM_H
#define KF_TEAM_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

int team_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err);
int team_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
int team_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                struct kf_error *err);
int team_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version, json_t *body,
                struct kf_error *err);
/* KF_ECONFLICT "has_tickets" while tickets belong to the team; KF_ENOTFOUND if missing. */
int team_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
/* Add or change member user_id: {"languages":"zh,en","category_ids":"1,5","active":true}. */
int team_member_put(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                    json_t *body, struct kf_error *err);
int team_member_delete(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                       struct kf_error *err);

#endif
