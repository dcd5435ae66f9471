/*
 * identity.h - the identities of a customer: phone, e-mail, WeChat, QQ,
 * other, each normalised (customer_identity_normalise, customer.h) and
 * belonging to one customer.  Values are masked (privacy.h) in the audit
 * trail and when mask is set.
 */
#ifndef KF_IDENTITY_H
#define KF_IDENTITY_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/* The customer owning identity (kind, normalised value) into *id; KF_ENOTFOUND if none. */
int identity_owner(struct db *db, const char *kind, const char *value, int64_t *id, struct kf_error *err);
/* Add an identity to customer id (normalised here), audited; *out the new identity as JSON, owned. */
int identity_add(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *kind,
                 const char *value, json_t **out, struct kf_error *err);
int identity_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t iid,
                    struct kf_error *err);
/* Insert a normalised identity inside the caller's transaction; a taken
 * one is 409 identity_exists naming field.  *iid: the new row's id. */
int identity_insert(struct db *db, int64_t id, const char *kind, const char *value, int64_t now,
                    const char *field, int64_t *iid, struct kf_error *err);
/* into["identities"] = [{id, kind, value}] of customer id, masked when mask. */
int identity_list_json(struct db *db, int64_t id, int mask, json_t *into, struct kf_error *err);

#endif
