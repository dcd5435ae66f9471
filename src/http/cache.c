/*
 * cache.c - see cache.h.
 *
 * SLOTS entries, each with its own mutex; a key hashes (FNV-1a) to one
 * slot.  Keys and bodies are copied in and out under the slot's lock, so
 * a reader never sees an entry being replaced.
 */
#include "http/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define SLOTS 1024
#define KEY_MAX 256 /* longer keys are not cached */
#define BODY_MAX (64 * 1024) /* larger answers are not cached */

struct slot {
	pthread_mutex_t mu;
	char key[KEY_MAX];
	char *body; /* owned; NULL = empty */
	size_t len;
	uint64_t gen;
	int64_t made_ms;
};

static struct slot slots[SLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_uint_fast64_t generation;

static void init(void)
{
	for (int i = 0; i < SLOTS; i++)
		pthread_mutex_init(&slots[i].mu, NULL);
}

static struct slot *slot_of(const char *key)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	pthread_once(&once, init);
	return &slots[h % SLOTS];
}

uint64_t cache_generation(void)
{
	return atomic_load(&generation);
}

void cache_bump(void)
{
	atomic_fetch_add(&generation, 1);
}

int cache_get(const char *key, int64_t now_ms, struct buf *out)
{
	if (strlen(key) >= KEY_MAX)
		return 0;
	struct slot *s = slot_of(key);
	int found = 0;
	pthread_mutex_lock(&s->mu);
	if (s->body && strcmp(s->key, key) == 0 && s->gen == cache_generation() && now_ms >= s->made_ms &&
	    now_ms - s->made_ms < CACHE_TTL_MS)
		found = buf_add(out, s->body, s->len) == 0;
	pthread_mutex_unlock(&s->mu);
	return found;
}

void cache_put(const char *key, uint64_t gen, int64_t now_ms, const char *body, size_t len)
{
	size_t klen = strlen(key);
	if (klen >= KEY_MAX || len > BODY_MAX || gen != cache_generation())
		return;
	char *copy = xmalloc(len ? len : 1);
	memcpy(copy, body, len);
	struct slot *s = slot_of(key);
	pthread_mutex_lock(&s->mu);
	free(s->body);
	memcpy(s->key, key, klen + 1);
	s->body = copy;
	s->len = len;
	s->gen = gen;
	s->made_ms = now_ms;
	pthread_mutex_unlock(&s->mu);
}

void cache_clear(void)
{
	pthread_once(&once, init);
	for (int i = 0; i < SLOTS; i++) {
		pthread_mutex_lock(&slots[i].mu);
		free(slots[i].body);
		slots[i].body = NULL;
		pthread_mutex_unlock(&slots[i].mu);
	}
}
