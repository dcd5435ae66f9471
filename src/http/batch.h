/*
 * batch.h - the write batcher (group commit of whole requests).
 *
 * Requests of ROUTE_BATCH routes are not run by the HTTP worker that
 * received them: the worker authenticates the request, parks the
 * connection (libmicrohttpd suspend) and queues it here.  A few writer
 * threads each take everything queued, run those requests one after the
 * other in ONE database transaction (each in its own savepoint, so one that
 * fails is undone alone), commit once -- durably -- and only then hand every
 * answer back.  Nothing is acknowledged before its commit is on disk, and
 * the cost of a commit (WAL pages, fsync) is shared by the whole batch.
 * While one writer waits for its fsync the next one runs its batch.
 */
#ifndef KF_BATCH_H
#define KF_BATCH_H

#include "base/err.h"

struct batch;
struct req;
struct resp;
struct store;

struct batch_item {
	struct batch_item *next; /* queue link, owned by the batcher */
	struct req *req; /* req->db is set to the writer's connection */
	struct resp *resp; /* filled by run */
	/* Called on a writer thread with resp final and durable (or an error). */
	void (*done)(struct batch_item *it);
};

/* What a writer runs for one item (http_run_deferred in production). */
typedef void (*batch_run_fn)(struct req *req, struct resp *resp);

/* Start `writers` threads that open their connections from store. */
int batch_start(struct store *store, int writers, batch_run_fn run, struct batch **out, struct kf_error *err);
/* Queue it; -1 (and it untouched) when the queue is full or stopping. */
int batch_submit(struct batch *b, struct batch_item *it);
/* Run everything queued, then stop the writers and free b.  NULL is fine. */
void batch_stop(struct batch *b);

#endif
