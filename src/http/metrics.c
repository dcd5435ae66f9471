/*
 * metrics.c - see metrics.h.
 *
 * A shard is one thread's counters: an open-addressing table of series
 * keyed by (route pointer, method, status), each with a request count,
 * a duration sum and histogram buckets.  Only the owning thread writes a
 * shard, so a counter is bumped with a relaxed load and store (no locked
 * instruction) and a new series is published by storing its route
 * pointer last, with release order; render reads with acquire.  Shards
 * are registered in a global list under list_mu when a thread first
 * records; when the thread ends, its shard is kept (its counts belong to
 * the totals) and handed to the next new thread.
 *
 * Render copies every series out, sorts and merges them by the route's
 * text (two copies of the literal "static" may have two addresses), then
 * writes the counter family and, per (route, method), the histogram.
 */
#include "http/metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/xalloc.h"

#define SLOTS 1024 /* series per thread; a power of two */

/* Histogram upper bounds in microseconds, and as Prometheus prints them. */
static const uint64_t bucket_us[] = { 500,   1000,   2500,   5000,   10000,   25000,
	                              50000, 100000, 250000, 500000, 1000000, 2500000 };
static const char *const bucket_le[] = { "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
	                                 "0.05",   "0.1",   "0.25",   "0.5",   "1",    "2.5" };
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

/* Methods are interned to an index: MHD's method strings do not outlive the request. */
static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER" };
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

struct series {
	_Atomic(const char *) route; /* NULL = free slot; stored last */
	int method; /* index into methods[] */
	int status; /* HTTP status */
	atomic_uint_least64_t count; /* requests */
	atomic_uint_least64_t sum_us; /* total duration */
	atomic_uint_least64_t bucket[NBUCKETS]; /* per bucket, not cumulative */
};

struct shard {
	struct series slot[SLOTS]; /* open addressing, linear probing */
	atomic_uint_least64_t db_us; /* database time */
	atomic_int_least64_t inflight; /* started minus completed on this thread */
	atomic_uint_least64_t dropped; /* observations that found no free slot */
	int in_use; /* owned by a live thread (under list_mu) */
	struct shard *next; /* global list (under list_mu) */
};

/* One merged series while rendering. */
struct row {
	const char *route;
	int method;
	int status;
	uint64_t count;
	uint64_t sum_us;
	uint64_t bucket[NBUCKETS];
};

struct render {
	struct buf *out;
	int rc; /* first error, sticky */
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct shard *shards;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t shard_key;
static _Thread_local struct shard *my_shard;

/* Single-writer increment: the owning thread is the only writer. */
static void bump(atomic_uint_least64_t *c, uint64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v, memory_order_relaxed);
}

static void shard_detach(void *p)
{
	struct shard *s = p;
	pthread_mutex_lock(&list_mu);
	s->in_use = 0;
	pthread_mutex_unlock(&list_mu);
}

static void make_key(void)
{
	if (pthread_key_create(&shard_key, shard_detach) != 0)
		KF_BUG("pthread_key_create");
}

static struct shard *shard_attach(void)
{
	pthread_once(&key_once, make_key);
	pthread_mutex_lock(&list_mu);
	struct shard *s = shards;
	while (s && s->in_use)
		s = s->next;
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->next = shards;
		shards = s;
	}
	s->in_use = 1;
	pthread_mutex_unlock(&list_mu);
	pthread_setspecific(shard_key, s);
	my_shard = s;
	return s;
}

static struct shard *shard_mine(void)
{
	return my_shard ? my_shard : shard_attach();
}

static int method_index(const char *m)
{
	for (size_t i = 0; m && i < NMETHODS - 1; i++)
		if (strcmp(m, methods[i]) == 0)
			return (int)i;
	return (int)NMETHODS - 1;
}

/* The series for a key in this thread's shard, created on first use; NULL when full. */
static struct series *series_get(struct shard *s, const char *route, int method, int status)
{
	uint64_t h = (uint64_t)(uintptr_t)route * 0x9E3779B97F4A7C15u;
	h ^= ((uint64_t)method << 16 | (uint64_t)(unsigned)status) * 0xFF51AFD7ED558CCDu;
	h ^= h >> 29;
	for (size_t i = 0; i < SLOTS; i++) {
		struct series *x = &s->slot[(h + i) & (SLOTS - 1)];
		const char *r = atomic_load_explicit(&x->route, memory_order_relaxed);
		if (!r) {
			x->method = method;
			x->status = status;
			atomic_store_explicit(&x->route, route, memory_order_release);
			return x;
		}
		if (r == route && x->method == method && x->status == status)
			return x;
	}
	return NULL;
}

static size_t bucket_index(uint64_t us)
{
	size_t i = 0;
	while (i < NBUCKETS && us > bucket_us[i])
		i++;
	return i;
}

void metrics_observe(const char *route, const char *method, int status, uint64_t dur_us, uint64_t db_us)
{
	struct shard *s = shard_mine();
	bump(&s->db_us, db_us);
	struct series *x = series_get(s, route ? route : "unmatched", method_index(method), status);
	if (!x) {
		bump(&s->dropped, 1);
		return;
	}
	bump(&x->count, 1);
	bump(&x->sum_us, dur_us);
	size_t b = bucket_index(dur_us);
	if (b < NBUCKETS)
		bump(&x->bucket[b], 1);
}

void metrics_inflight(int delta)
{
	struct shard *s = shard_mine();
	atomic_store_explicit(&s->inflight, atomic_load_explicit(&s->inflight, memory_order_relaxed) + delta,
	                      memory_order_relaxed);
}

int64_t metrics_inflight_now(void)
{
	int64_t n = 0;
	pthread_mutex_lock(&list_mu);
	for (struct shard *s = shards; s; s = s->next)
		n += atomic_load_explicit(&s->inflight, memory_order_relaxed);
	pthread_mutex_unlock(&list_mu);
	return n;
}

/* --- rendering --- */

static void out(struct render *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct render *r, const char *fmt, ...)
{
	if (r->rc < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	r->rc = buf_vaddf(r->out, fmt, ap);
	va_end(ap);
}

/* A label value with \, " and newline escaped (route patterns never need it; be safe). */
static void out_label(struct render *r, const char *s)
{
	for (; *s && r->rc == 0; s++) {
		if (*s == '\\' || *s == '"')
			out(r, "\\%c", *s);
		else if (*s == '\n')
			out(r, "\\n");
		else
			r->rc = buf_addch(r->out, *s);
	}
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->route, y->route);
	if (c)
		return c;
	if (x->method != y->method)
		return x->method < y->method ? -1 : 1;
	return (x->status > y->status) - (x->status < y->status);
}

static void row_add(struct row *to, const struct row *from)
{
	to->count += from->count;
	to->sum_us += from->sum_us;
	for (size_t i = 0; i < NBUCKETS; i++)
		to->bucket[i] += from->bucket[i];
}

/* Copy every published series of every shard; the caller holds list_mu. */
static struct row *rows_collect(size_t *n)
{
	size_t cap = 64, len = 0;
	struct row *rows = xreallocarray(NULL, cap, sizeof(*rows));
	for (struct shard *s = shards; s; s = s->next) {
		for (size_t i = 0; i < SLOTS; i++) {
			struct series *x = &s->slot[i];
			const char *route = atomic_load_explicit(&x->route, memory_order_acquire);
			if (!route)
				continue;
			if (len == cap)
				rows = xreallocarray(rows, cap *= 2, sizeof(*rows));
			struct row *w = &rows[len++];
			w->route = route;
			w->method = x->method;
			w->status = x->status;
			w->count = atomic_load_explicit(&x->count, memory_order_relaxed);
			w->sum_us = atomic_load_explicit(&x->sum_us, memory_order_relaxed);
			for (size_t b = 0; b < NBUCKETS; b++)
				w->bucket[b] = atomic_load_explicit(&x->bucket[b], memory_order_relaxed);
		}
	}
	*n = len;
	return rows;
}

/* Sort and merge rows with equal (route text, method, status); returns the new count. */
static size_t rows_merge(struct row *rows, size_t n)
{
	if (n == 0)
		return 0;
	qsort(rows, n, sizeof(*rows), row_cmp);
	size_t w = 0;
	for (size_t i = 1; i < n; i++) {
		if (row_cmp(&rows[w], &rows[i]) == 0)
			row_add(&rows[w], &rows[i]);
		else
			rows[++w] = rows[i];
	}
	return w + 1;
}

static void out_labels(struct render *r, const struct row *x)
{
	out(r, "{route=\"");
	out_label(r, x->route);
	out(r, "\",method=\"%s\"", methods[x->method]);
}

static void render_requests(struct render *r, const struct row *rows, size_t n)
{
	out(r,
	    "# HELP kefu_http_requests_total HTTP requests answered.\n"
	    "# TYPE kefu_http_requests_total counter\n");
	for (size_t i = 0; i < n; i++) {
		out(r, "kefu_http_requests_total");
		out_labels(r, &rows[i]);
		out(r, ",status=\"%d\"} %llu\n", rows[i].status, (unsigned long long)rows[i].count);
	}
}

static void render_histogram_one(struct render *r, const struct row *h)
{
	uint64_t cum = 0;
	for (size_t b = 0; b < NBUCKETS; b++) {
		cum += h->bucket[b];
		out(r, "kefu_http_request_duration_seconds_bucket");
		out_labels(r, h);
		out(r, ",le=\"%s\"} %llu\n", bucket_le[b], (unsigned long long)cum);
	}
	out(r, "kefu_http_request_duration_seconds_bucket");
	out_labels(r, h);
	out(r, ",le=\"+Inf\"} %llu\n", (unsigned long long)h->count);
	out(r, "kefu_http_request_duration_seconds_sum");
	out_labels(r, h);
	out(r, "} %.6f\n", (double)h->sum_us / 1e6);
	out(r, "kefu_http_request_duration_seconds_count");
	out_labels(r, h);
	out(r, "} %llu\n", (unsigned long long)h->count);
}

/* One histogram per (route, method): rows are sorted, so statuses are adjacent. */
static void render_durations(struct render *r, const struct row *rows, size_t n)
{
	out(r,
	    "# HELP kefu_http_request_duration_seconds Time to produce a response.\n"
	    "# TYPE kefu_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < n;) {
		struct row h = rows[i];
		size_t j = i + 1;
		for (; j < n && rows[j].method == h.method && strcmp(rows[j].route, h.route) == 0; j++)
			row_add(&h, &rows[j]);
		render_histogram_one(r, &h);
		i = j;
	}
}

/* Seconds since the epoch at process start: /proc boot time plus the start tick. */
static double process_start_time(void)
{
	double start = 0;
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long long ticks = 0;
	/* After "(comm)": state and 18 more fields precede starttime (field 22). */
	if (!p ||
	    sscanf(p + 1,
	           " %*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
	           "%*s %*s %*s %*s %llu",
	           &ticks) != 1)
		return 0;
	f = fopen("/proc/stat", "r");
	unsigned long long btime = 0;
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	if (f)
		fclose(f);
	long hz = sysconf(_SC_CLK_TCK);
	if (btime && hz > 0)
		start = (double)btime + (double)ticks / (double)hz;
	return start;
}

static unsigned long long resident_bytes(void)
{
	unsigned long long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f && fscanf(f, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	if (f)
		fclose(f);
	long page = sysconf(_SC_PAGESIZE);
	return resident * (unsigned long long)(page > 0 ? page : 4096);
}

static double start_time;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

static void start_time_init(void)
{
	start_time = process_start_time();
	if (start_time == 0)
		start_time = (double)time(NULL);
}

static void render_process(struct render *r, uint64_t db_us, int64_t inflight, uint64_t dropped)
{
	pthread_once(&start_once, start_time_init);
	out(r,
	    "# HELP kefu_db_time_seconds_total Time spent in the database by requests.\n"
	    "# TYPE kefu_db_time_seconds_total counter\n"
	    "kefu_db_time_seconds_total %.6f\n",
	    (double)db_us / 1e6);
	out(r,
	    "# HELP kefu_http_inflight_requests Requests being received, handled or sent.\n"
	    "# TYPE kefu_http_inflight_requests gauge\n"
	    "kefu_http_inflight_requests %lld\n",
	    (long long)inflight);
	out(r,
	    "# HELP kefu_metrics_dropped_total Observations not recorded (series table full).\n"
	    "# TYPE kefu_metrics_dropped_total counter\n"
	    "kefu_metrics_dropped_total %llu\n",
	    (unsigned long long)dropped);
	out(r,
	    "# HELP kefu_process_start_time_seconds Start time of the process.\n"
	    "# TYPE kefu_process_start_time_seconds gauge\n"
	    "kefu_process_start_time_seconds %.2f\n",
	    start_time);
	out(r,
	    "# HELP kefu_process_resident_memory_bytes Resident memory size.\n"
	    "# TYPE kefu_process_resident_memory_bytes gauge\n"
	    "kefu_process_resident_memory_bytes %llu\n",
	    resident_bytes());
}

int metrics_render(struct buf *outbuf)
{
	struct render r = { outbuf, 0 };
	uint64_t db_us = 0, dropped = 0;
	int64_t inflight = 0;
	size_t n = 0;
	pthread_mutex_lock(&list_mu);
	struct row *rows = rows_collect(&n);
	for (struct shard *s = shards; s; s = s->next) {
		db_us += atomic_load_explicit(&s->db_us, memory_order_relaxed);
		dropped += atomic_load_explicit(&s->dropped, memory_order_relaxed);
		inflight += atomic_load_explicit(&s->inflight, memory_order_relaxed);
	}
	pthread_mutex_unlock(&list_mu);
	n = rows_merge(rows, n);
	render_requests(&r, rows, n);
	render_durations(&r, rows, n);
	render_process(&r, db_us, inflight, dropped);
	free(rows);
	return r.rc < 0 ? r.rc : 0;
}
