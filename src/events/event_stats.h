/*
 * event_stats.h - the first durable consumer ("stats"): events counted per
 * UTC day and type (table event_stats).
 */
#ifndef KF_EVENT_STATS_H
#define KF_EVENT_STATS_H

#include <stdint.h>

#include "base/err.h"
#include "events/outbox.h"

struct db;

/* The consumer's handler: add one to (day of ev, ev->type). */
int event_stats_handle(struct db *db, const struct event *ev, struct kf_error *err);

/* Events of type counted so far, every day together. */
int event_stats_total(struct db *db, const char *type, int64_t *out, struct kf_error *err);

#endif
