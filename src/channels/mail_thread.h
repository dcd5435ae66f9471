/*
 * mail_thread.h - the pure part of threading a received mail: the subject
 * tag [#000123], the subject without its reply/forward prefixes and tag,
 * address comparison, whether an address is kefu's own, which candidate
 * ticket a mail belongs to, whether a closed ticket may still reopen, and
 * the kind of a mail from its auto-submission flags.
 *
 * No I/O, no clock, no database: mail_in.c looks the candidates up and
 * hands them in; the order and the hijack rule live here, where a table of
 * cases tests them (tests/unit/test_mail_thread.c).
 */
#ifndef KF_MAIL_THREAD_H
#define KF_MAIL_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "channels/mail_token.h"

/*
 * The ticket id of the first tag "[#123]" / "[#000123]" (also with a
 * full-width "［＃123］" or a space after '#') in subject; 0 when none.
 * At most 12 digits; a tag of 0 is none.
 */
int64_t mail_thread_subject_tag(const char *subject);

/*
 * subject without leading reply/forward prefixes (Re:, RE:, Re[2]:, Fwd:,
 * FW:, Fw:, AW:, WG:, SV:, 回复:, 回覆:, 答复:, 转发:, 轉寄:, with ':' or
 * '：', repeated), without any tag [#n], blanks collapsed at the ends,
 * into out (n bytes, cut between characters).  "" when nothing is left.
 */
void mail_thread_clean_subject(const char *subject, char *out, size_t n);

/* Whether a and b are one address (ASCII case ignored). */
int mail_thread_addr_eq(const char *a, const char *b);

/*
 * Whether addr is kefu's own: the support address, support with a
 * "+anything" local-part extension, or one of extra (n entries, e.g.
 * the mailboxes' addresses).  An empty support matches nothing.
 */
int mail_thread_is_own(const char *support, const char *const *extra, size_t n, const char *addr);

/*
 * The reply token of addr ("local+TOKEN@domain", mail_token.h) into tok:
 * 1 when addr carries one, 0 when not.  Any local part and domain: the
 * token alone (60 random bits) names the ticket.
 */
int mail_thread_token(const char *addr, char tok[MAIL_TOKEN_MAX]);

/* How a mail found its ticket. */
enum mail_thread_via {
	MAIL_THREAD_NEW = 0, /* none found: a new ticket */
	MAIL_THREAD_TOKEN, /* a reply token in a recipient address */
	MAIL_THREAD_IN_REPLY_TO, /* In-Reply-To names a mail kefu knows */
	MAIL_THREAD_REFERENCES, /* a References entry does */
	MAIL_THREAD_TAG, /* the subject tag, the sender being the customer or a participant */
};

/* What the lookups found; 0 = nothing. */
struct mail_thread_cand {
	int64_t token_ticket; /* the ticket of a reply token */
	int64_t reply_ticket; /* the ticket of the In-Reply-To mail */
	int64_t refs_ticket; /* the ticket of the newest References entry known */
	int64_t tag_ticket; /* the ticket of the subject tag (it exists) */
	int tag_sender_ok; /* the sender is tag_ticket's customer or a participant */
};

/* The ticket the mail belongs to in the order of mail_in.h (0 = new) and how, into *via. */
int64_t mail_thread_choose(const struct mail_thread_cand *c, enum mail_thread_via *via);
/* "new", "token", "in_reply_to", "references", "tag". */
const char *mail_thread_via_name(enum mail_thread_via via);

/*
 * Whether a reply at now reopens a ticket closed at closed_at (0 = not
 * closed: yes) with a window of reopen_days: closed_at + reopen_days days
 * >= now.
 */
int mail_thread_may_reopen(int64_t closed_at, int reopen_days, int64_t now);

/* The mail_messages.kind of an incoming mail with these enum mail_auto bits: "message", "auto_reply" or "bulk". */
const char *mail_thread_kind(unsigned auto_flags);

#endif
