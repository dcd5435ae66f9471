/*
 * embed.h - files compiled into the binary by tools/embed.c (web assets,
 * migrations, the OpenAPI document).  Each table ends with a NULL path.
 */
#ifndef KF_EMBED_H
#define KF_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *path; /* relative to the embedded root, e.g. "js/app.js" */
	const unsigned char *data; /* the bytes, followed by a NUL */
	size_t len; /* length without the NUL */
};

/* Generated: web/ */
extern const struct embed_file embed_web[];
/* Generated: src/store/migrations/ ("sqlite/0001_x.sql", "pg/0001_x.sql") */
extern const struct embed_file embed_migrations[];
/* Generated: docs/openapi.json */
extern const struct embed_file embed_openapi[];

/* Find path in a table; NULL if absent. */
const struct embed_file *embed_find(const struct embed_file *table, const char *path);

#endif
