/*
 * bounce.h - addresses that bounced (mail_bounces, migration 0021): one row
 * per address with how often, first and last time, the last status
 * ("5.1.1") and diagnostic, and the mail that reported it.  kefu still
 * sends to them; the agent UI warns, an admin clears an address once it
 * is fixed.
 */
#ifndef KF_BOUNCE_H
#define KF_BOUNCE_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct db;

#define BOUNCE_DIAGNOSTIC_MAX 1000 /* bytes of a diagnostic kept */

/* Count one bounce of address (lower-case) at now, inside the caller's transaction or its own. */
int bounce_record(struct db *db, const char *address, const char *status, const char *diagnostic,
                  int64_t mail_id, int64_t now, struct kf_error *err);
/* 1 when address is bouncing, 0 when not. */
int bounce_is(struct db *db, const char *address, struct kf_error *err);
/* Forget address; KF_ENOTFOUND when it is not listed. */
int bounce_remove(struct db *db, const char *address, struct kf_error *err);
/* [{"address","count","first_at","last_at","status","diagnostic","mail_id"}], last first, masked when mask. */
int bounce_list_json(struct db *db, int mask, json_t **items, struct kf_error *err);

#endif
