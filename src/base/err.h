/*
 * err.h - the one error type used through kefu.
 *
 * Functions that can fail return int: 0 (or a non-negative count) on
 * success, or a negative KF_E* code.  The message meant for a person, the
 * stable machine key and the offending field go into a caller-owned
 * struct kf_error, which is left untouched on success.  Library code never
 * prints and never exits; http/ and cli/ each map codes to their own shape
 * in exactly one place (http/reply.c, cli/main.c).
 */
#ifndef KF_ERR_H
#define KF_ERR_H

#include <stddef.h>

enum kf_code {
	KF_OK = 0,
	KF_EINVAL = -1, /* bad input: a field is missing, malformed or out of range */
	KF_ENOTFOUND = -2, /* the thing named does not exist */
	KF_ECONFLICT = -3, /* the request conflicts with the current state (409) */
	KF_ESTALE = -4, /* If-Match / version did not match (412) */
	KF_EPERM = -5, /* authenticated but not allowed (403) */
	KF_EAUTH = -6, /* not authenticated, or bad credentials (401) */
	KF_EDB = -7, /* the database failed (500) */
	KF_ETOOBIG = -8, /* a size cap was hit (413) */
	KF_ELIMIT = -9, /* throttled; retry later (429) */
	KF_EEXIST = -10, /* a unique thing already exists (409) */
	KF_EIO = -11, /* a file or socket operation failed */
	KF_EBUSY = -12, /* the database is locked or the server shutting down (503) */
	KF_EPRECOND = -13, /* a required precondition header is missing (428) */
	KF_EUNSUPPORTED = -14, /* media type or feature not supported (415) */
	KF_EFOREIGN = -15, /* the database is not kefu's, or is newer than this kefu */
};

#define KF_ERR_KEY_MAX 48
#define KF_ERR_FIELD_MAX 64
#define KF_ERR_MSG_MAX 320
#define KF_ERR_DETAILS_MAX 6
#define KF_ERR_DETAIL_NAME_MAX 24
#define KF_ERR_DETAIL_VALUE_MAX 160

/*
 * Structured facts about an error (a deadline, an allowed quantity, the
 * list of missing fields), so that a client builds its own message from
 * them instead of parsing the English sentence.  The HTTP face emits them
 * as "details": {name: value, ...} inside the error object.
 */
enum kf_detail_kind {
	KF_DETAIL_STR, /* value is a string */
	KF_DETAIL_INT, /* num is an integer */
	KF_DETAIL_LIST, /* value is a comma-separated list, emitted as an array of strings */
};

struct kf_error_detail {
	enum kf_detail_kind kind;
	char name[KF_ERR_DETAIL_NAME_MAX];
	char value[KF_ERR_DETAIL_VALUE_MAX];
	long long num;
};

struct kf_error {
	int code; /* one of enum kf_code */
	char key[KF_ERR_KEY_MAX]; /* stable machine key, e.g. "required" */
	char field[KF_ERR_FIELD_MAX]; /* the input field it is about, or "" */
	char message[KF_ERR_MSG_MAX]; /* English sentence for a person */
	int ndetails; /* used entries of details[] */
	struct kf_error_detail details[KF_ERR_DETAILS_MAX];
};

#define KF_ERROR_INIT \
	{ \
		.code = 0 \
	}

/*
 * Fill *err (if not NULL) and return code, so callers can write
 * `return kf_fail(err, KF_EINVAL, "required", "subject", "subject is required");`.
 * key may be NULL: a default key for the code is used.
 */
int kf_fail(struct kf_error *err, int code, const char *key, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

/*
 * Attach a structured detail to an error already filled by kf_fail (which
 * clears the details).  Extra details past KF_ERR_DETAILS_MAX are dropped;
 * err may be NULL.  kf_detail_list takes a comma-separated list.
 */
void kf_detail_str(struct kf_error *err, const char *name, const char *value);
void kf_detail_int(struct kf_error *err, const char *name, long long value);
void kf_detail_list(struct kf_error *err, const char *name, const char *csv);

/* The detail called name, or NULL. */
const struct kf_error_detail *kf_detail_get(const struct kf_error *err, const char *name);

/* Cut a UTF-8 sequence that snprintf truncated at the end of s (in place). */
void kf_utf8_trim(char *s);

/* The default machine key for a code ("invalid", "not_found", ...). Borrowed. */
const char *kf_code_key(int code);

/* Abort with file:line: for bugs only, never for bad input. */
#define KF_BUG(msg) kf_bug(__FILE__, __LINE__, (msg))
void kf_bug(const char *file, int line, const char *msg) __attribute__((noreturn));

#endif
