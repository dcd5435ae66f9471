/*
 * token.h - API tokens for integrations: "kft_" + 256 random bits, shown
 * once at creation, stored as a hash, sent as "Authorization: Bearer".
 * A token acts as its user, with that user's role; it needs no CSRF
 * header, since browsers never attach it by themselves.
 */
#ifndef KF_TOKEN_H
#define KF_TOKEN_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "base/err.h"

struct db;
struct user;

int apitoken_create(struct db *db, const struct actor *a, int64_t now, int64_t user_id, const char *name,
                    char token[TOKEN_TEXT_MAX], json_t **created, struct kf_error *err);
/* Fill who and u (the token's user) for a live token of an enabled user; KF_EAUTH otherwise. */
int apitoken_resolve(struct db *db, const char *token, int64_t now, struct principal *who, struct user *u,
                     struct kf_error *err);
/* The user's tokens (never the secret), newest first. */
int apitoken_list(struct db *db, int64_t user_id, json_t **items, struct kf_error *err);
int apitoken_revoke(struct db *db, const struct actor *a, int64_t now, int64_t user_id, int64_t id,
                    struct kf_error *err);
/* Revoke every live token of the user (a password change); audited by the caller. */
int apitoken_revoke_all(struct db *db, int64_t user_id, int64_t now, struct kf_error *err);

#endif
