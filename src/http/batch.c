/*
 * batch.c - see batch.h.
 *
 * One mutex guards the queue; writers sleep on a condition variable.  A
 * writer takes up to BATCH_MAX items at once (the longest wait is then one
 * batch), runs them and answers them.  When the transaction cannot even
 * begin, or its commit fails, every item of the batch is answered with an
 * error: nothing of it was kept, so nothing is acknowledged.
 */
#include "http/batch.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "http/http.h"
#include "store/db.h"
#include "store/search.h"

#define BATCH_MAX 256 /* items per transaction */
#define QUEUE_MAX 8192 /* queued items before submit refuses (503) */
#define WRITERS_MAX 8

struct batch {
	struct store *store;
	batch_run_fn run;
	pthread_mutex_t mu;
	pthread_cond_t ready; /* signalled when items arrive or on stop */
	struct batch_item *head, *tail;
	int queued;
	int stopping;
	int nthreads;
	pthread_t threads[WRITERS_MAX];
};

/* Replace whatever the item's handler answered with err. */
static void answer_error(struct batch_item *it, const struct kf_error *err)
{
	resp_release(it->resp);
	reply_kf(it->resp, err);
	reply_localise(it->req, it->resp);
}

static void fail_all(struct batch_item *list, const struct kf_error *err)
{
	for (struct batch_item *it = list; it; it = it->next)
		answer_error(it, err);
}

static int ok_status(int status)
{
	return status >= 200 && status < 400;
}

/* Run list in one transaction on db; on return every resp is final. */
static void run_batch(struct batch *b, struct db *db, struct batch_item *list, struct kf_error *dberr)
{
	struct kf_error err = KF_ERROR_INIT;
	if (!db) {
		fail_all(list, dberr);
		return;
	}
	if (db_batch_begin(db, &err) < 0) {
		log_msg(LOG_LEVEL_ERROR, "batch", "cannot begin a batch: %s", err.message);
		fail_all(list, &err);
		return;
	}
	for (struct batch_item *it = list; it; it = it->next) {
		it->req->db = db;
		int rc = db_batch_item_begin(db, &err);
		if (rc == 0) {
			b->run(it->req, it->resp);
			rc = db_batch_item_end(db, ok_status(it->resp->status), &err);
		}
		if (rc < 0) {
			log_msg(LOG_LEVEL_ERROR, "batch", "rid %s: the batch transaction failed: %s",
			        it->req->rid, err.message);
			db_batch_abort(db);
			fail_all(list, &err);
			return;
		}
		if (rc == 0 && ok_status(it->resp->status)) {
			/* a statement failed and the handler answered success anyway */
			struct kf_error bug = KF_ERROR_INIT;
			kf_fail(&bug, KF_EDB, NULL, NULL, "a step of this request failed; nothing was changed");
			answer_error(it, &bug);
		}
	}
	if (search_flush(db, &err) < 0) {
		log_msg(LOG_LEVEL_ERROR, "batch", "cannot apply the batch's search changes: %s", err.message);
		db_batch_abort(db);
		fail_all(list, &err);
		return;
	}
	if (db_batch_commit(db, &err) < 0) {
		log_msg(LOG_LEVEL_ERROR, "batch", "commit of a batch failed: %s", err.message);
		fail_all(list, &err);
	}
}

static void *writer_main(void *arg)
{
	struct batch *b = arg;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (!b->head && !b->stopping)
			pthread_cond_wait(&b->ready, &b->mu);
		if (!b->head) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		struct batch_item *list = b->head, *last = b->head;
		int n = 1;
		while (last->next && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		b->head = last->next;
		if (!b->head)
			b->tail = NULL;
		b->queued -= n;
		last->next = NULL;
		pthread_mutex_unlock(&b->mu);

		struct kf_error err = KF_ERROR_INIT;
		struct db *db = store_db(b->store, &err); /* this thread's, opened once */
		if (!db)
			log_msg(LOG_LEVEL_ERROR, "batch", "the writer has no database connection: %s",
			        err.message);
		run_batch(b, db, list, &err);
		while (list) {
			struct batch_item *next = list->next;
			list->next = NULL;
			list->done(list);
			list = next;
		}
	}
	return NULL;
}

int batch_start(struct store *store, int writers, batch_run_fn run, struct batch **out, struct kf_error *err)
{
	struct batch *b = xcalloc(1, sizeof(*b));
	if (writers < 1 || writers > WRITERS_MAX)
		KF_BUG("batch_start: writers out of range");
	b->store = store;
	b->run = run;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->ready, NULL);
	for (int i = 0; i < writers; i++) {
		if (pthread_create(&b->threads[i], NULL, writer_main, b) != 0) {
			batch_stop(b);
			return kf_fail(err, KF_EIO, NULL, NULL, "cannot start the batch writer threads");
		}
		b->nthreads++;
	}
	*out = b;
	return 0;
}

int batch_submit(struct batch *b, struct batch_item *it)
{
	pthread_mutex_lock(&b->mu);
	if (b->stopping || b->queued >= QUEUE_MAX) {
		pthread_mutex_unlock(&b->mu);
		return -1;
	}
	it->next = NULL;
	if (b->tail)
		b->tail->next = it;
	else
		b->head = it;
	b->tail = it;
	b->queued++;
	pthread_cond_signal(&b->ready);
	pthread_mutex_unlock(&b->mu);
	return 0;
}

void batch_stop(struct batch *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->mu);
	b->stopping = 1;
	pthread_cond_broadcast(&b->ready);
	pthread_mutex_unlock(&b->mu);
	for (int i = 0; i < b->nthreads; i++)
		pthread_join(b->threads[i], NULL);
	pthread_cond_destroy(&b->ready);
	pthread_mutex_destroy(&b->mu);
	free(b);
}
