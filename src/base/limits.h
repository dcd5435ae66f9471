/*
 * limits.h - every named cap on outside input, in one place.
 * Each has a test that hits it (tests/unit or tests/api).
 */
#ifndef KF_LIMITS_H
#define KF_LIMITS_H

#define KF_MAX_BUF_BYTES (64u * 1024 * 1024) /* default cap of a struct buf */
#define KF_MAX_UPLOAD_BYTES (10u * 1024 * 1024) /* a file upload (attachments) */
#define KF_MAX_MAIL_BYTES \
	(40u * 1024 * 1024) /* one raw mail (POST /api/v1/mail/inbound; the settings' max is below) */
#define KF_MAX_BODY_BYTES (1024u * 1024) /* JSON request body (413 above) */
#define KF_MAX_HEADER_BYTES (16u * 1024) /* all request headers together (431 above) */
#define KF_MAX_URL_BYTES 4096 /* request target (414 above) */
#define KF_REQUEST_TIMEOUT_S 30 /* whole request must arrive within (408) */
#define KF_HEADER_TIMEOUT_S 10 /* request line and headers must arrive within (connection closed) */
/* open connections from one client address (an office behind one NAT shares it) */
#define KF_MAX_CONNS_PER_ADDR 256
#define KF_MAX_CONNECTIONS 4096 /* open connections in all */
#define KF_MAX_JSON_DEPTH 32 /* nesting of a JSON body */
#define KF_MAX_PATH_PARAMS 8 /* :params in one route */
#define KF_MAX_PAGE_SIZE 200 /* ?limit= upper bound */
#define KF_DEFAULT_PAGE_SIZE 50 /* ?limit= when absent */
#define KF_MAX_NAME_BYTES 64 /* user names and logins (bytes) */
#define KF_MAX_NAME_CHARS 64 /* token names: characters (base/textlen.h) */
#define KF_MAX_TEXT_CHARS 4096 /* short free text fields: characters (base/textlen.h) */
#define KF_MAX_PASSWORD_BYTES 256 /* passwords */
#define KF_MIN_PASSWORD_CHARS 10 /* passwords set by people */
#define KF_MAX_IDEMPOTENCY_KEY 128 /* Idempotency-Key header */
#define KF_MAX_CONFIG_LINE 1024 /* one line of kefu.conf */
#define KF_MAX_IMPORT_ROW (64u * 1024) /* one CSV row or JSON line of an import */

#endif
