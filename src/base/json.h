/*
 * json.h - reading validated fields out of jansson objects, and parsing
 * request bodies with the caps kefu puts on outside input.
 *
 * Every getter returns 1 when the field was present and valid (and
 * stores it), 0 when it was absent and not required (out untouched), or
 * KF_EINVAL with err naming the field.  JSON null counts as absent.
 */
#ifndef KF_JSON_H
#define KF_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/*
 * Parse a request body as one JSON object.  Refuses bodies nested deeper
 * than KF_MAX_JSON_DEPTH, invalid UTF-8 ("not_utf8", naming line and column),
 * duplicate keys and non-objects,
 * with a message naming line, column and byte position.  *out is owned.
 */
int json_parse_object(const char *data, size_t len, json_t **out, struct kf_error *err);

/* Strings: UTF-8, at most maxlen bytes, and (if nonempty) not blank. */
int json_get_str(json_t *obj, const char *key, int required, size_t maxlen, const char **out,
                 struct kf_error *err);
/*
 * Text a person writes (subjects, names, reasons): like json_get_str, but
 * the limit is max_chars characters (code points, as OpenAPI's maxLength
 * counts), so the string may take up to TEXTLEN_BYTES(max_chars) - 1 bytes.
 */
int json_get_text(json_t *obj, const char *key, int required, size_t max_chars, const char **out,
                  struct kf_error *err);
int json_get_int(json_t *obj, const char *key, int required, int64_t min, int64_t max, int64_t *out,
                 struct kf_error *err);
int json_get_bool(json_t *obj, const char *key, int required, int *out, struct kf_error *err);
/*
 * Every key of the NULL-terminated list must be present, not null and, when
 * a string, not blank: 0, or KF_EINVAL "required" naming all the missing
 * ones at once (field = the first, details "fields" = all of them), so a
 * form is corrected in one round.
 */
int json_require(json_t *obj, const char *const *keys, struct kf_error *err);
/* Refuse any key not in the NULL-terminated list, naming the first one. */
int json_only_keys(json_t *obj, const char *const *keys, struct kf_error *err);
/* A new object with those of keys (NULL-terminated) that obj has, values shared. */
json_t *json_pick(json_t *obj, const char *const *keys);

/* json_string() for possibly-NULL text: NULL gives json_null(). */
json_t *json_str_or_null(const char *s);

/*
 * The byte offset of the first byte of s[0..n) that does not begin a
 * well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or -1 when all of it is valid UTF-8.
 */
long json_utf8_bad(const char *s, size_t n);

/*
 * A JSON string of text read back from the store, never NULL: json_string()
 * returns NULL (and json_object_set_new then silently drops the member)
 * for invalid UTF-8, so such bytes are each shown as U+FFFD instead.
 * NULL s gives json_null().  Inputs refuse invalid UTF-8; this is the
 * safety net for rows stored before they did.
 */
json_t *json_text(const char *s);

#endif
