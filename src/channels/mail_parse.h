/*
 * mail_parse.h - one raw RFC 5322 message into plain parts (GMime 3).
 *
 * Everything comes out UTF-8: bodies in any charset GMime/iconv knows
 * (GB2312 read as GB18030, GBK, Big5, ISO-2022-JP, ...), RFC 2047 encoded
 * words including the broken ones real clients send (8-bit GBK in a raw
 * header, encoded words split inside a multibyte character, missing
 * charsets), RFC 2231 file names.  Bytes that cannot be decoded become
 * U+FFFD; the result is always valid UTF-8 without NUL.
 *
 * The body: text/plain preferred in a multipart/alternative; HTML only ->
 * text made from it (mail_html.h).  html holds the sanitised HTML when the
 * message had one.  quote_at is where quoted history and the signature begin
 * in text (mail_quote.h); the agent sees text[0, quote_at) and the rest one
 * click away.
 *
 * Attachments: every leaf part that is not the chosen body (a file, an
 * inline image, a message/rfc822 part of a forward as a .eml) with its
 * decoded bytes.
 *
 * Pure apart from allocation: no I/O, no database; safe on any input
 * (fuzzed: tests/fuzz/fuzz_mail_parse.c).
 */
#ifndef KF_MAIL_PARSE_H
#define KF_MAIL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define MAIL_ADDR_MAX 254 /* bytes of an address (RFC 5321 path limit) */
#define MAIL_MAX_ADDRS 100 /* To/Cc entries kept each */
#define MAIL_MAX_REFS 50 /* References kept (the newest) */
#define MAIL_MAX_PARTS 100 /* attachments kept */

/* An address; name may be "" (decoded, UTF-8); address lower-cased, never "". */
struct mail_addr {
	char *name;
	char *address;
};

struct mail_part {
	char *filename; /* decoded, UTF-8; "" when the part has none */
	char *content_type; /* lower-case "type/subtype", no parameters */
	char *content_id; /* without <>; "" when none */
	int is_inline; /* Content-Disposition: inline, or referenced by cid: from the HTML */
	unsigned char *data; /* decoded bytes */
	size_t len;
};

/* Why a message must not be answered automatically (bit set). */
enum mail_auto {
	MAIL_AUTO_SUBMITTED = 1 << 0, /* Auto-Submitted: anything but "no" */
	MAIL_AUTO_REPLY = 1 << 1, /* X-Autoreply, X-Autorespond, X-Auto-Response-Suppress: All/OOF, subject 自动回复/Auto-Reply/Out of Office */
	MAIL_AUTO_BULK = 1 << 2, /* Precedence: bulk, junk or list; List-Id; List-Unsubscribe */
	MAIL_AUTO_NULL_SENDER = 1 << 3, /* Return-Path: <> or From: MAILER-DAEMON / postmaster */
};

/* A delivery status notification (RFC 3464 multipart/report; also the plain-text bounces of older MTAs). */
struct mail_bounce {
	int is_bounce;
	char *recipient; /* the address that failed (Final-Recipient / Original-Recipient), lower-case, "" unknown */
	char *action; /* failed, delayed, ... ("" unknown) */
	char *status; /* "5.1.1" ... ("" unknown) */
	char *diagnostic; /* Diagnostic-Code text ("" none) */
	char *orig_message_id; /* Message-ID of the mail that bounced, without <> ("" unknown) */
};

struct mail_msg {
	struct mail_addr from; /* address "" when the message has no usable From */
	struct mail_addr reply_to; /* address "" when none */
	struct mail_addr sender; /* Sender:, address "" when none */
	struct mail_addr *to;
	size_t nto;
	struct mail_addr *cc;
	size_t ncc;
	struct mail_addr *delivered_to; /* Delivered-To / X-Original-To values, lower-case (the address this copy was for) */
	size_t ndelivered;
	char *return_path; /* envelope sender from Return-Path without <>; "" for the null sender; NULL if absent */
	char *subject; /* decoded, UTF-8, "" when none */
	char *message_id; /* without <>; NULL when missing or unusable */
	char *in_reply_to; /* the first id, without <>; NULL when none */
	char **references; /* ids without <>, oldest first (In-Reply-To not added) */
	size_t nrefs;
	int64_t date; /* Date: as UTC seconds; 0 when missing or unparsable */
	char *text; /* the body as UTF-8 text, never NULL */
	char *html; /* sanitised HTML (mail_html.h), NULL when the message had no HTML */
	size_t quote_at; /* offset in text where quoted history / signature begins; strlen(text) if none */
	unsigned auto_flags; /* enum mail_auto bits */
	int is_forward; /* subject Fwd:/FW:/转发: or a forwarded-message header in the body */
	struct mail_bounce bounce;
	struct mail_part *parts;
	size_t nparts;
	size_t parts_dropped; /* attachments past MAIL_MAX_PARTS */
};

/* Parse len bytes of raw into *out (zeroed first; free with mail_msg_free even after an error).
 * KF_EINVAL "mail_unparsable" only when nothing at all can be read (no header block). */
int mail_parse(const char *raw, size_t len, struct mail_msg *out, struct kf_error *err);
void mail_msg_free(struct mail_msg *m);

/* Process-wide GMime start (idempotent, thread-safe); mail_parse calls it. */
void mail_parse_init(void);

#endif
