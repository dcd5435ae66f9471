/*
 * strmap.h - a small hash map from strings to int64 ids, for caches that
 * save a database lookup per row (the import's customers by external id).
 *
 * Open addressing with linear probing over a power-of-two table, grown
 * at 3/4 full.  Keys are copied (owned by the map).  A map holds at most
 * max entries: past that strmap_put does nothing and returns 0, so a
 * cache never grows without bound; callers then simply look up again.
 */
#ifndef KF_STRMAP_H
#define KF_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key; /* owned; NULL = empty slot */
	uint64_t hash; /* of key */
	int64_t value;
};

struct strmap {
	struct strmap_slot *slots; /* cap entries, NULL before the first put */
	size_t cap; /* a power of two, or 0 */
	size_t n; /* entries in use */
	size_t max; /* entries at most */
};
#define STRMAP_INIT(max_entries) \
	{ \
		NULL, 0, 0, (max_entries) \
	}

/* 1 and *value when key is in the map, else 0. */
int strmap_get(const struct strmap *m, const char *key, int64_t *value);
/* Insert or replace; 1 when stored, 0 when the map is full (nothing changed). */
int strmap_put(struct strmap *m, const char *key, int64_t value);
/* Free everything; the map is empty again (same max) and reusable. */
void strmap_release(struct strmap *m);

#endif
