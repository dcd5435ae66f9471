/*
 * desk_store.h - what the desk's configuration stores (calendar_store.c,
 * sla_policy.c, team.c, desk_settings.c) share: ending a transaction,
 * the not-found / stale / unknown-reference errors, the audit record of a
 * write, and reading an optional choice out of a request body.
 */
#ifndef KF_DESK_STORE_H
#define KF_DESK_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;
struct db_sql;

#define DESK_NAME_MAX_CHARS 128 /* characters of a calendar, holiday, policy or team name */

/* Commit when rc >= 0 (returning the commit's result), else roll back and return rc. */
int desk_store_tx_end(struct db *db, int rc, struct kf_error *err);
/* KF_ENOTFOUND "not_found": "no such <what>". */
int desk_store_not_found(struct kf_error *err, const char *what);
/* After an UPDATE ... AND version = $2 changed nothing: KF_ENOTFOUND if row id is gone (exists finds it), else KF_ESTALE. */
int desk_store_stale_or_missing(struct db *db, struct db_sql *exists, int64_t id, const char *what,
                                struct kf_error *err);
/* 0 when exists finds id, KF_EINVAL "unknown" naming field ("<field> names no <what>") when not. */
int desk_store_exists(struct db *db, struct db_sql *exists, int64_t id, const char *field, const char *what,
                      struct kf_error *err);
/* Record an audit entry (after is consumed, may be NULL). */
int desk_store_audit(struct db *db, const struct actor *a, int64_t now, const char *action, const char *type,
                     int64_t id, json_t *after, struct kf_error *err);
/* Optional string key of body, "" or one of allowed (NULL-ended), copied into dst[n]: 1 given, 0 absent, or KF_EINVAL. */
int desk_store_get_choice(json_t *body, const char *key, const char *const *allowed, char *dst, size_t n,
                          struct kf_error *err);
/* 0, or KF_EINVAL "too_long" naming key (as json_get_text) when s has more than max_chars characters. */
int desk_store_check_text(const char *key, const char *s, size_t max_chars, struct kf_error *err);
/* 0 when s is "" or one of allowed (NULL-ended); KF_EINVAL "invalid" naming key (as desk_store_get_choice). */
int desk_store_check_choice(const char *key, const char *s, const char *const *allowed, struct kf_error *err);
/* 0 when min <= v <= max; KF_EINVAL "range" naming key (as json_get_int). */
int desk_store_check_range(const char *key, int64_t v, int64_t min, int64_t max, struct kf_error *err);
/* Copy a column's text (NULL as "") into dst[n]. */
void desk_store_copy_col(char *dst, size_t n, const char *s);

#endif
