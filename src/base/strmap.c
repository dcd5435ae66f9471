/*
 * strmap.c - see strmap.h.
 */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* FNV-1a, 64 bit (Fowler, Noll, Vo). */
static uint64_t hash_of(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct strmap_slot *slot_for(const struct strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
	}
}

static void grow(struct strmap *m)
{
	struct strmap old = *m;
	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*slot_for(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	free(old.slots);
}

int strmap_get(const struct strmap *m, const char *key, int64_t *value)
{
	if (!m->cap)
		return 0;
	const struct strmap_slot *s = slot_for(m, key, hash_of(key));
	if (!s->key)
		return 0;
	*value = s->value;
	return 1;
}

int strmap_put(struct strmap *m, const char *key, int64_t value)
{
	uint64_t h = hash_of(key);
	struct strmap_slot *s = m->cap ? slot_for(m, key, h) : NULL;
	if (s && s->key) {
		s->value = value;
		return 1;
	}
	if (m->n >= m->max)
		return 0;
	if ((m->n + 1) * 4 > m->cap * 3) {
		grow(m);
		s = slot_for(m, key, h);
	}
	s->key = xstrdup(key);
	s->hash = h;
	s->value = value;
	m->n++;
	return 1;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
