/*
 * ratelimit.c - see ratelimit.h.
 */
#include "auth/ratelimit.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define RL_SETS 1024 /* sets in the table */
#define RL_WAYS 4 /* slots per set: an address lives in one set */
#define RL_KEY_MAX 48 /* an address as text, with NUL */

struct slot {
	char key[RL_KEY_MAX]; /* the address ("" = free) */
	struct bucket b;
};

struct ratelimit {
	int rate_per_min; /* tokens added a minute */
	int burst; /* bucket size */
	pthread_mutex_t lock; /* guards slots */
	struct slot slots[RL_SETS][RL_WAYS];
};

int64_t bucket_take(struct bucket *b, int rate_per_min, int burst, int64_t now_ms)
{
	int64_t full = (int64_t)burst * 1000;
	int64_t elapsed = now_ms > b->last_ms ? now_ms - b->last_ms : 0;
	/* rate_per_min tokens a minute = rate_per_min millitokens every 60 ms. */
	int64_t t = b->millitokens + elapsed * rate_per_min / 60;
	b->millitokens = t > full ? full : t;
	b->last_ms = now_ms;
	if (b->millitokens >= 1000) {
		b->millitokens -= 1000;
		return 0;
	}
	int64_t missing = 1000 - b->millitokens;
	return (missing * 60 + rate_per_min - 1) / rate_per_min;
}

struct ratelimit *ratelimit_new(int rate_per_min, int burst)
{
	if (rate_per_min <= 0)
		return NULL;
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));
	rl->rate_per_min = rate_per_min;
	rl->burst = burst > 0 ? burst : 1;
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* The key of an address: IPv6 by its /64, anything else as given. */
static void addr_key(const char *addr, char out[RL_KEY_MAX])
{
	unsigned char a6[16];
	if (strchr(addr, ':') && inet_pton(AF_INET6, addr, a6) == 1) {
		memset(a6 + 8, 0, 8);
		if (inet_ntop(AF_INET6, a6, out, RL_KEY_MAX))
			return;
	}
	str_copy(out, RL_KEY_MAX, addr);
}

/* FNV-1a: spreads addresses over the sets. */
static unsigned set_of(const char *key)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % RL_SETS;
}

/* The slot of key in its set, or the least recently used one reset for it. */
static struct slot *slot_for(struct ratelimit *rl, const char *key)
{
	struct slot *set = rl->slots[set_of(key)], *oldest = &set[0];
	for (int i = 0; i < RL_WAYS; i++) {
		if (strcmp(set[i].key, key) == 0)
			return &set[i];
		if (set[i].b.last_ms < oldest->b.last_ms)
			oldest = &set[i];
	}
	str_copy(oldest->key, sizeof(oldest->key), key);
	oldest->b.millitokens = (int64_t)rl->burst * 1000;
	oldest->b.last_ms = 0;
	return oldest;
}

int64_t ratelimit_take(struct ratelimit *rl, const char *addr, int64_t now_ms)
{
	char key[RL_KEY_MAX];
	if (!rl)
		return 0;
	addr_key(addr ? addr : "", key);
	pthread_mutex_lock(&rl->lock);
	struct slot *s = slot_for(rl, key);
	if (s->b.last_ms == 0)
		s->b.last_ms = now_ms;
	int64_t wait = bucket_take(&s->b, rl->rate_per_min, rl->burst, now_ms);
	pthread_mutex_unlock(&rl->lock);
	return wait;
}
