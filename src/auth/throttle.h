/*
 * throttle.h - login throttling per account and per client address.
 *
 * Failed sign-ins are rows in login_failures, so the limit holds across
 * restarts and across several kefu nodes on one PostgreSQL.  When an
 * account (or an address) has max failures inside the window, further
 * attempts are refused with 429 until the oldest of them leaves the
 * window; a success clears the account's failures.
 */
#ifndef KF_THROTTLE_H
#define KF_THROTTLE_H

#include <stdint.h>

#include "base/err.h"

struct db;

struct throttle_limits {
	int per_account; /* failures allowed per account per window */
	int per_addr; /* failures allowed per address per window */
	int window_s; /* the window, seconds */
};

/* What the store saw inside the window for one key. */
struct throttle_count {
	int failures; /* failures inside the window */
	int64_t oldest; /* time of the oldest of them (0 if none) */
};

/* Pure: seconds to wait (0 = go ahead). */
int throttle_wait(const struct throttle_count *account, const struct throttle_count *addr, int64_t now,
                  const struct throttle_limits *lim);

/* Seconds to wait before login may try (0 = go ahead). */
int throttle_check(struct db *db, const char *login, const char *addr, int64_t now,
                   const struct throttle_limits *lim, int *wait_s, struct kf_error *err);
int throttle_fail(struct db *db, const char *login, const char *addr, int64_t now,
                  const struct throttle_limits *lim, struct kf_error *err);
int throttle_clear(struct db *db, const char *login, struct kf_error *err);

#endif
