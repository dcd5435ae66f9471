/*
 * idempotency.h - the idempotency store behind the Idempotency-Key
 * header.  The caller opens a write transaction, calls idem_begin, and on
 * IDEM_NEW runs the request and calls idem_finish before committing, so
 * the stored answer and the resource it describes commit together: a
 * retry returns the first answer and never creates a second resource.
 * Two concurrent requests with one key serialise on the key's unique
 * index (SQLite: the write lock; PostgreSQL: the index entry).
 */
#ifndef KF_IDEMPOTENCY_H
#define KF_IDEMPOTENCY_H

#include <stdint.h>

#include "base/err.h"

struct db;

enum idem_state {
	IDEM_NEW = 0, /* first time: run the request, then idem_finish */
	IDEM_REPLAY, /* seen and finished: send status + response */
	IDEM_MISMATCH, /* seen with another method, path or body */
	IDEM_IN_PROGRESS, /* seen, not finished (only across nodes) */
};

struct idem {
	enum idem_state state;
	int64_t id; /* idempotency_keys.id */
	int status; /* IDEM_REPLAY: the stored HTTP status */
	char *response; /* IDEM_REPLAY: the stored body (owned) */
};
#define IDEM_INIT \
	{ \
		IDEM_NEW, 0, 0, NULL \
	}

int idem_begin(struct db *db, const char *principal, const char *key, const char *method, const char *path,
               const char *request_hash, int64_t now, struct idem *out, struct kf_error *err);
int idem_finish(struct db *db, int64_t id, int status, const char *response, struct kf_error *err);
/* Forget keys older than cutoff (the scheduler calls this daily). */
int idem_prune(struct db *db, int64_t cutoff, struct kf_error *err);
void idem_release(struct idem *i);

#endif
