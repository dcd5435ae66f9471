/*
 * mail_dsn.h - delivery status notifications (bounces) read into struct
 * mail_bounce (mail_parse.h).
 *
 * RFC 3464: a multipart/report; report-type=delivery-status carries a
 * message/delivery-status part (a per-message block, then one block of
 * fields per recipient: Final-Recipient, Original-Recipient, Action,
 * Status, Diagnostic-Code) and the returned message or its headers.  The
 * first recipient block that failed (else the first) is kept.  Older MTAs
 * (qmail, Exchange) send plain text; mail_dsn_finish reads their common
 * shapes when the message looks like a bounce and nothing structured was
 * found.  Pure; every string kept is valid UTF-8.
 */
#ifndef KF_MAIL_DSN_H
#define KF_MAIL_DSN_H

#include <stddef.h>

#include "channels/mail_parse.h"

/* Read the fields of a message/delivery-status or text/rfc822-headers part. */
void mail_dsn_fields(struct mail_bounce *b, const char *text, size_t len);

/* The Message-ID (without <>) of the returned message, when not known yet; id may be NULL. */
void mail_dsn_returned_id(struct mail_bounce *b, const char *id);

/*
 * After the walk: fill every NULL string of *b with "" and, when no report
 * was seen, look at the subject and text for a plain-text bounce.
 */
void mail_dsn_finish(struct mail_bounce *b, const char *subject, const char *text);

/* Free the strings of *b (NULL-safe); *b is zeroed. */
void mail_dsn_release(struct mail_bounce *b);

#endif
