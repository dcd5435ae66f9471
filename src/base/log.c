/*
 * log.c - see log.h.
 *
 * Each thread that writes access lines gets a struct tbuf, found through
 * a _Thread_local pointer and registered once in a global list.  Adding
 * a line takes only that buffer's own mutex, which nobody else wants
 * except log_flush_all() once a second, so the request path never waits
 * on another request.  The write(2) itself happens under write_mu: on a
 * pipe, writes above PIPE_BUF bytes are not atomic, and two threads'
 * 16 KiB flushes must not interleave.  When a thread ends its buffer is
 * flushed and left in the list for the next new thread to take, so the
 * list is as long as the most threads ever alive at once.
 *
 * Formatting avoids printf on the access path: the date part of the
 * timestamp is cached per thread for the current second (gmtime_r takes
 * glibc's time-zone lock), numbers are converted by hand.
 */
#include "base/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"

#define FLUSH_BYTES (16u * 1024) /* write a thread's lines out past this */
#define FLUSH_MS 1000 /* ... or when they are this old */
#define PATH_LOG_MAX 1024 /* longer paths are cut in the access log */

struct tbuf {
	pthread_mutex_t mu; /* the owner appends, log_flush_all flushes */
	struct buf b; /* pending lines */
	int64_t last_flush_ms; /* when b was last written out */
	int in_use; /* owned by a live thread (under list_mu) */
	struct tbuf *next; /* the global list (under list_mu) */
};

struct ts_cache {
	int64_t sec; /* the second text is for; -1 = none */
	char text[24]; /* "2026-11-25T10:00:00" */
	size_t len;
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tbuf *tbufs; /* every buffer ever made */
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t tbuf_key; /* runs tbuf_detach at thread exit */
static _Thread_local struct tbuf *my_tbuf;
static _Thread_local struct ts_cache my_ts = { -1, "", 0 };
static atomic_int min_level = LOG_LEVEL_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(int level)
{
	atomic_store(&min_level, level);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write all of p to stderr; errors are dropped (there is nowhere to report them). */
static void write_all(const char *p, size_t n)
{
	pthread_mutex_lock(&write_mu);
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
	pthread_mutex_unlock(&write_mu);
}

static void add_u64(struct buf *b, uint64_t v)
{
	char d[24];
	size_t i = sizeof(d);
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(b, d + i, sizeof(d) - i);
}

/* Microseconds as milliseconds with three decimals: 1234 -> "1.234". */
static void add_ms3(struct buf *b, uint64_t us)
{
	add_u64(b, us / 1000);
	char frac[4] = { '.', (char)('0' + us / 100 % 10), (char)('0' + us / 10 % 10), (char)('0' + us % 10) };
	buf_add(b, frac, sizeof(frac));
}

/* A JSON string of the first n bytes of s; the common case needs no escaping. */
static void add_strn(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\') {
			buf_add_json_str(b, s, n);
			return;
		}
	}
	buf_addch(b, '"');
	buf_add(b, s, n);
	buf_addch(b, '"');
}

/* A JSON string, or null for NULL. */
static void add_str(struct buf *b, const char *s)
{
	if (s)
		add_strn(b, s, strlen(s));
	else
		buf_add(b, "null", 4);
}

/* Like add_str, but at most max bytes, cut at a UTF-8 character boundary. */
static void add_str_max(struct buf *b, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max + 1) : 0;
	if (n <= max) {
		add_str(b, s);
		return;
	}
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	add_strn(b, s, n);
}

/* "ts":"2026-11-25T10:00:00.123Z" */
static void add_ts(struct buf *b, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	int64_t sec = ms / 1000;
	if (sec != my_ts.sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		gmtime_r(&t, &tm);
		my_ts.len = strftime(my_ts.text, sizeof(my_ts.text), "%Y-%m-%dT%H:%M:%S", &tm);
		my_ts.sec = sec;
	}
	int frac = (int)(ms % 1000);
	char tail[6] = {
		'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10), (char)('0' + frac % 10), 'Z', '"'
	};
	buf_add(b, "{\"ts\":\"", 7);
	buf_add(b, my_ts.text, my_ts.len);
	buf_add(b, tail, sizeof(tail));
}

static const char *level_name(int level)
{
	if (level < LOG_LEVEL_DEBUG)
		level = LOG_LEVEL_DEBUG;
	if (level > LOG_LEVEL_ERROR)
		level = LOG_LEVEL_ERROR;
	return level_names[level];
}

void log_vmsg(int level, const char *event, const char *fmt, va_list ap)
{
	if (level < atomic_load_explicit(&min_level, memory_order_relaxed))
		return;
	struct buf msg = BUF_INIT;
	struct buf line = BUF_INIT;
	buf_vaddf(&msg, fmt, ap);
	while (msg.len > 0 && (msg.p[msg.len - 1] == '\n' || msg.p[msg.len - 1] == '\r'))
		msg.p[--msg.len] = '\0';
	add_ts(&line, now_ms());
	buf_adds(&line, ",\"level\":");
	add_str(&line, level_name(level));
	buf_adds(&line, ",\"event\":");
	add_str(&line, event);
	buf_adds(&line, ",\"msg\":");
	add_str(&line, buf_cstr(&msg));
	buf_add(&line, "}\n", 2);
	write_all(line.p, line.len);
	buf_release(&line);
	buf_release(&msg);
}

void log_msg(int level, const char *event, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, event, fmt, ap);
	va_end(ap);
}

/* Called with t->mu held. */
static void tbuf_flush(struct tbuf *t, int64_t now)
{
	if (t->b.len > 0)
		write_all(t->b.p, t->b.len);
	buf_reset(&t->b);
	t->last_flush_ms = now;
}

/* Thread exit: write out what is left and hand the buffer to the next thread. */
static void tbuf_detach(void *p)
{
	struct tbuf *t = p;
	pthread_mutex_lock(&t->mu);
	tbuf_flush(t, now_ms());
	pthread_mutex_unlock(&t->mu);
	pthread_mutex_lock(&list_mu);
	t->in_use = 0;
	pthread_mutex_unlock(&list_mu);
}

static void make_key(void)
{
	if (pthread_key_create(&tbuf_key, tbuf_detach) != 0)
		KF_BUG("pthread_key_create");
}

/* This thread's buffer: a free one from the list, or a new one. */
static struct tbuf *tbuf_attach(void)
{
	pthread_once(&key_once, make_key);
	pthread_mutex_lock(&list_mu);
	struct tbuf *t = tbufs;
	while (t && t->in_use)
		t = t->next;
	if (!t) {
		t = xcalloc(1, sizeof(*t));
		pthread_mutex_init(&t->mu, NULL);
		t->next = tbufs;
		tbufs = t;
	}
	t->in_use = 1;
	pthread_mutex_unlock(&list_mu);
	t->last_flush_ms = now_ms();
	pthread_setspecific(tbuf_key, t);
	my_tbuf = t;
	return t;
}

static void add_access_line(struct buf *b, const struct log_access_entry *e)
{
	add_ts(b, e->ts_ms);
	buf_adds(b, ",\"level\":\"info\",\"event\":\"access\",\"rid\":");
	add_str(b, e->rid);
	buf_adds(b, ",\"method\":");
	add_str(b, e->method);
	buf_adds(b, ",\"path\":");
	add_str_max(b, e->path, PATH_LOG_MAX);
	buf_adds(b, ",\"status\":");
	add_u64(b, e->status > 0 ? (uint64_t)e->status : 0);
	buf_adds(b, ",\"dur_ms\":");
	add_ms3(b, e->dur_us);
	buf_adds(b, ",\"bytes\":");
	add_u64(b, e->bytes);
	buf_adds(b, ",\"addr\":");
	add_str(b, e->addr);
	buf_adds(b, ",\"user\":");
	add_str(b, e->user && *e->user ? e->user : NULL);
	buf_adds(b, ",\"db_ms\":");
	add_ms3(b, e->db_us);
	buf_add(b, "}\n", 2);
}

void log_access(const struct log_access_entry *e)
{
	struct tbuf *t = my_tbuf ? my_tbuf : tbuf_attach();
	pthread_mutex_lock(&t->mu);
	add_access_line(&t->b, e);
	if (t->b.len >= FLUSH_BYTES || e->ts_ms - t->last_flush_ms >= FLUSH_MS)
		tbuf_flush(t, e->ts_ms);
	pthread_mutex_unlock(&t->mu);
}

void log_flush_all(void)
{
	int64_t now = now_ms();
	pthread_mutex_lock(&list_mu);
	for (struct tbuf *t = tbufs; t; t = t->next) {
		pthread_mutex_lock(&t->mu);
		tbuf_flush(t, now);
		pthread_mutex_unlock(&t->mu);
	}
	pthread_mutex_unlock(&list_mu);
}
