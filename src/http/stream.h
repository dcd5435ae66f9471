/*
 * stream.h - GET /api/v1/stream: the event stream as server-sent events.
 *
 * One hub thread follows the events table: it sleeps in outbox_wait (woken
 * by every local commit with events; a timeout of STREAM_POLL_MS catches
 * the commits of other nodes), reads what is new once (outbox_read),
 * renders each event at most twice (masked and unmasked, event_view.h),
 * appends a frame to the buffer of every client allowed to see it, adds a
 * heartbeat comment to clients idle for the heartbeat interval, and resumes
 * the connections that were suspended waiting for data.
 *
 * A client's response is a libmicrohttpd content reader: it hands over
 * what its buffer holds, or suspends the connection and returns 0 (the
 * pattern microhttpd.h documents for MHD_ContentReaderCallback).  A client
 * whose buffer passes the cap (it reads slower than events come) gets a
 * last "reconnect" event and its stream ends; it comes back with
 * Last-Event-ID and misses nothing.  On shutdown every stream ends.
 */
#ifndef KF_STREAM_H
#define KF_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

struct req;
struct resp;
struct store;
struct stream_client;

#define STREAM_POLL_MS 500 /* the hub looks at the table at least this often (other nodes' events) */
#define STREAM_BUF_KIB 256 /* default KiB waiting for one client before it is told to reconnect */

/*
 * Start the hub on store: heartbeat_s between comments to an idle client,
 * buffer_kib waiting for one client at most (0 = the defaults).
 */
int stream_start(struct store *store, int heartbeat_s, int buffer_kib, struct kf_error *err);

/* End every stream (they finish sending what they hold) and stop the hub. */
void stream_stop(void);

/*
 * The handler's part: replay the events after `after` (-1 = none: live
 * only) of types (NULL = all) that req's caller may see, then follow the
 * hub.  Sets resp->stream (server.c sends it) or an error.
 */
int stream_open(struct req *req, struct resp *resp, int64_t after, const char *const *types);

/* MHD's content reader and its free callback (server.c). */
ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max);
void stream_free(void *cls);

#endif
