/*
 * portal.h - customer (portal) accounts, kept apart from staff users:
 * their own table, their own cookie, no staff role and no staff route.
 */
#ifndef KF_PORTAL_H
#define KF_PORTAL_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/*
 * login is an e-mail address or a phone number; customer_id the customer
 * record the account sees in the portal (0 = none yet; the caller checks
 * that it exists and is not erased); *id is the new account.
 */
int portal_account_create(struct db *db, const struct actor *a, int64_t now, const char *login,
                          const char *display_name, const char *password, int64_t customer_id, int64_t *id,
                          struct kf_error *err);
/* KF_EAUTH unless login and password match an enabled account. */
int portal_authenticate(struct db *db, const char *login, const char *password, int64_t *id,
                        struct kf_error *err);
/*
 * Erasure of a customer reaches their portal accounts: each is disabled,
 * its login (an e-mail or phone) replaced by "erased-<id>", its sessions
 * ended.
 */
int portal_accounts_erase(struct db *db, int64_t customer_id, struct kf_error *err);
/* {id, login, display_name, customer_id} */
int portal_account_get(struct db *db, int64_t id, json_t **out, struct kf_error *err);

#endif
