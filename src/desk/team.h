/*
 * team.h - teams and their members (the assignment among members is
 * routing.h).  Writes are audited and versioned (If-Match).
 *
 * The request bodies are parsed at the edge (http/api_sla.c) into
 * struct team_input and struct team_member_input.
 */
#ifndef KF_TEAM_H
#define KF_TEAM_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/* What a create or a change gives; present says which (PATCH: the rest keeps its value). */
#define TEAM_HAS_NAME 1u
#define TEAM_HAS_MANAGER 2u
#define TEAM_HAS_CALENDAR 4u
#define TEAM_HAS_MODE 8u

struct team_input {
	unsigned present; /* TEAM_HAS_* bits; a create needs TEAM_HAS_NAME */
	const char *name; /* at most DESK_NAME_MAX_CHARS characters */
	int64_t manager_id; /* a user id; 0 = none */
	int64_t calendar_id; /* 0 = none (the default calendar) */
	const char *mode; /* "round_robin" (also for ""), "least_loaded" */
};

/* A member's skills: languages "zh,en" (<= 64 bytes), category_ids "1,5" (<= 512 bytes). */
struct team_member_input {
	const char *languages;
	const char *category_ids;
	int active;
};

int team_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err);
int team_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
int team_create(struct db *db, const struct actor *a, int64_t now, const struct team_input *in, int64_t *id,
                struct kf_error *err);
int team_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                const struct team_input *in, struct kf_error *err);
/* KF_ECONFLICT "has_tickets" while tickets belong to the team; KF_ENOTFOUND if missing. */
int team_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
/* Add or change member user_id with in's skills; KF_EINVAL naming the field. */
int team_member_put(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                    const struct team_member_input *in, struct kf_error *err);
int team_member_delete(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                       struct kf_error *err);

#endif
