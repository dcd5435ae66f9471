/*
 * log.h - structured logging: one JSON object per line on stderr.
 *
 * log_msg() writes at once (one write(2) per line) and is meant for
 * events: startup, shutdown, errors.  log_access() is the per-request
 * access log and is buffered per thread: a thread's lines go out in one
 * write(2) when its buffer passes 16 KiB or when a second has passed
 * since its last flush; log_flush_all() flushes every thread's buffer
 * (the server calls it once a second and at shutdown).  Lines never
 * interleave: every write(2) to stderr holds one lock.  Timestamps are
 * UTC with milliseconds: "2026-11-25T10:00:00.123Z".
 */
#ifndef KF_LOG_H
#define KF_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
};

/* Lines below level are dropped (the default is LOG_LEVEL_INFO). */
void log_set_level(int level);

/*
 * {"ts":...,"level":"info","event":EVENT,"msg":MSG}.  event is a short
 * stable key ("server_start"); the message is printf-formatted.
 */
void log_msg(int level, const char *event, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void log_vmsg(int level, const char *event, const char *fmt, va_list ap);

/* One access-log line; every pointer is borrowed for the call and may be NULL. */
struct log_access_entry {
	int64_t ts_ms; /* UTC ms the line is about (the response time) */
	const char *rid; /* request id */
	const char *method;
	const char *path;
	int status;
	uint64_t dur_us; /* time to produce the response */
	uint64_t bytes; /* response body bytes */
	const char *addr; /* client address */
	const char *user; /* principal name; NULL = anonymous */
	uint64_t db_us; /* time spent in the database */
};

/* Append one line to this thread's buffer; flushes it when due. */
void log_access(const struct log_access_entry *e);

/* Write out every thread's buffered lines. */
void log_flush_all(void);

#endif
