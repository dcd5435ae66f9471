/*
 * delay.h - delay notices (运输延误的提前通知, seed 000 ch. 4): telling the
 * customer service desk, before the customer asks, that a shipment is
 * late.  A notice is raised when a shipment is still undelivered at its
 * ETA (the "shipment_eta" job, at most one notice per ETA) or when a
 * tracking event reports an exception (at once).  Each notice adds a
 * row to the customer's timeline.  Staff work the open notices and mark
 * them done.
 */
#ifndef KF_DELAY_H
#define KF_DELAY_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/* The job kind the scheduler runs delay_eta_job for. */
#define DELAY_JOB_KIND "shipment_eta"

/*
 * The "shipment_eta" job: if shipment_id is still open (not delivered or
 * expired) at its ETA and no notice was raised for that ETA yet, raise
 * one (reason eta_passed).  An ETA still in the future (moved later)
 * schedules the job again at the new ETA.  A missing shipment is not an
 * error.  Runs in its own transaction (nests inside the caller's).
 */
int delay_eta_job(struct db *db, int64_t shipment_id, int64_t now, struct kf_error *err);

/*
 * Raise a notice (reason "eta_passed" or "exception") inside the
 * caller's transaction and add it to the customer's timeline.
 */
int delay_raise(struct db *db, int64_t shipment_id, int64_t customer_id, const char *reason,
                const char *detail, int64_t eta_at, int64_t now, struct kf_error *err);

/* One page by id; status NULL = all, else "open" or "done". */
int delay_list(struct db *db, const char *status, int64_t after_id, int limit, json_t **items,
               int64_t *last_id, struct kf_error *err);
/* Mark a notice done by user_id (KF_ENOTFOUND; KF_ECONFLICT if done already); *out the notice. */
int delay_done(struct db *db, const struct actor *a, int64_t now, int64_t id, json_t **out,
               struct kf_error *err);

#endif
