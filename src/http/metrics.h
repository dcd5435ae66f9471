/*
 * metrics.h - request counters for /metrics, in the Prometheus text
 * exposition format (version 0.0.4).
 *
 * Families: kefu_http_requests_total{route,method,status},
 * kefu_http_request_duration_seconds{route,method} (a histogram),
 * kefu_db_time_seconds_total, kefu_http_inflight_requests,
 * kefu_process_start_time_seconds, kefu_process_resident_memory_bytes.
 *
 * Recording is lock-free: every thread owns a shard of counters that only
 * it writes (relaxed atomics), registered once in a global list; render
 * sums the shards.  Route strings must be static (the pattern from the
 * route table, "static" or "unmatched"): they are kept by pointer.
 */
#ifndef KF_METRICS_H
#define KF_METRICS_H

#include <stdint.h>

#include "base/buf.h"

/* Count one answered request: dur_us to produce it, db_us of it in the database. */
void metrics_observe(const char *route, const char *method, int status, uint64_t dur_us, uint64_t db_us);

/* +1 when a request starts, -1 when its response has been sent. */
void metrics_inflight(int delta);

/* Requests started and not yet completed, over all threads (for the shutdown drain). */
int64_t metrics_inflight_now(void);

/* Append the exposition text to out; 0 or KF_ETOOBIG. */
int metrics_render(struct buf *out);

/* The Content-Type of metrics_render's output. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
