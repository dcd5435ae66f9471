/*
 * mail_in.c - see mail_in.h.
 *
 * One delivery is one transaction over a context (struct deliver): the
 * parsed mail, the settings, the actor the mail writes as (the customer,
 * kind "customer", named by the sender), and the result.  The steps run in
 * the order of mail_in.h; each either finishes the delivery (duplicate,
 * bounce, dropped) or hands on.  The pure decisions (tag, prefixes, own
 * addresses, the threading order, the reopen window, the kind) are in
 * mail_thread.c.
 */
#include "channels/mail_in.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/textlen.h"
#include "base/xalloc.h"
#include "channels/bounce.h"
#include "channels/mail_parse.h"
#include "channels/mailbox.h"
#include "channels/mail_settings.h"
#include "channels/mail_store.h"
#include "channels/mail_thread.h"
#include "channels/mail_token.h"
#include "channels/participant.h"
#include "crm/customer.h"
#include "crm/identity.h"
#include "crm/privacy.h"
#include "desk/attachment.h"
#include "desk/lang_detect.h"
#include "desk/message.h"
#include "desk/ticket.h"
#include "desk/ticket_link.h"
#include "store/db.h"

#define RFC_ID_MAX 1000 /* bytes of a Message-ID kept */
#define MERGE_HOPS_MAX 16 /* merged_into_id links followed */

struct deliver {
	struct db *db;
	const struct mail_source *src;
	const char *raw;
	size_t len;
	int64_t now;
	struct mail_settings set;
	struct mail_msg m;
	char rfc[RFC_ID_MAX + 1]; /* the Message-ID, or sha256-<hex>@kefu.invalid */
	char sha[65]; /* the raw message in attachment_blobs */
	const struct mail_addr *sender; /* From, else Reply-To, else Sender; NULL when none */
	const char **own; /* addresses this copy was delivered to, the mailbox's, and token addresses */
	char mailbox_addr[256]; /* the address of the mailbox it was fetched from ("" none) */
	size_t nown;
	char name[TEXTLEN_BYTES(CUSTOMER_NAME_MAX)]; /* the actor's name */
	struct actor actor;
	json_t *skipped; /* parts not kept as attachments */
	struct mail_in_result *out;
};

const char *mail_in_action_name(enum mail_in_action action)
{
	static const char *const names[] = { "",       "created",   "appended", "reopened",
		                             "linked", "duplicate", "bounce",   "dropped" };
	return (unsigned)action < sizeof(names) / sizeof(names[0]) ? names[action] : "";
}

/* The Message-ID, or one made of the raw bytes' hash, so a redelivery of the same bytes is a duplicate. */
static void rfc_id(struct deliver *d)
{
	if (d->m.message_id && d->m.message_id[0]) {
		size_t n = textlen_prefix(d->m.message_id, (size_t)-1, RFC_ID_MAX);
		snprintf(d->rfc, sizeof(d->rfc), "%.*s", (int)n, d->m.message_id);
		return;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, (const unsigned char *)d->raw, d->len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(d->rfc, sizeof(d->rfc), "sha256-%s@kefu.invalid", hex);
}

/* The address of mailbox id into out ("" when it has none or is gone). */
static int mailbox_address(struct db *db, int64_t id, char *out, size_t n, struct kf_error *err)
{
	struct mailbox mb;
	int rc = mailbox_get(db, id, &mb, err);
	out[0] = '\0';
	if (rc == KF_ENOTFOUND)
		return 0;
	if (rc == 0)
		str_copy(out, n, mb.address);
	return rc;
}

/* kefu's own addresses: the ones this copy was delivered to, the mailbox's, and those carrying a token. */
static void own_addresses(struct deliver *d)
{
	const struct mail_msg *m = &d->m;
	char tok[MAIL_TOKEN_MAX];
	d->own = xcalloc(m->ndelivered + m->nto + m->ncc + 1, sizeof(*d->own));
	if (d->mailbox_addr[0])
		d->own[d->nown++] = d->mailbox_addr;
	for (size_t i = 0; i < m->ndelivered; i++)
		d->own[d->nown++] = m->delivered_to[i].address;
	for (size_t i = 0; i < m->nto; i++)
		if (mail_thread_token(m->to[i].address, tok))
			d->own[d->nown++] = m->to[i].address;
	for (size_t i = 0; i < m->ncc; i++)
		if (mail_thread_token(m->cc[i].address, tok))
			d->own[d->nown++] = m->cc[i].address;
}

static int is_own(const struct deliver *d, const char *addr)
{
	return mail_thread_is_own(d->set.address, d->own, d->nown, addr);
}

/* The sender and the actor the mail writes as. */
static void sender_of(struct deliver *d)
{
	const struct mail_msg *m = &d->m;
	d->sender = m->from.address && m->from.address[0]       ? &m->from
	        : m->reply_to.address && m->reply_to.address[0] ? &m->reply_to
	        : m->sender.address && m->sender.address[0]     ? &m->sender
	                                                        : NULL;
	const char *name = d->sender && d->sender->name && d->sender->name[0] ? d->sender->name
	        : d->sender                                                   ? d->sender->address
	                                                                      : "mail";
	size_t n = textlen_prefix(name, CUSTOMER_NAME_MAX, sizeof(d->name) - 1);
	snprintf(d->name, sizeof(d->name), "%.*s", (int)n, name);
	d->actor = (struct actor){ .kind = "customer", .id = 0, .name = d->name, .addr = NULL, .rid = NULL };
}

/* The References as stored: space-separated, oldest first (owned). */
static char *refs_text(const struct mail_msg *m)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < m->nrefs; i++)
		if (buf_adds(&b, i ? " " : "") < 0 || buf_adds(&b, m->references[i]) < 0)
			break;
	char *s = b.p ? buf_detach(&b, NULL) : xstrdup("");
	return s;
}

/* Insert this mail's row with kind, status and reason on ticket_id (0 = none) / message_id. */
static int store_row(struct deliver *d, const char *kind, const char *status, const char *reason,
                     int64_t ticket_id, int64_t message_id, struct kf_error *err)
{
	const struct mail_msg *m = &d->m;
	char *to = mail_store_addrs_text(m->to, m->nto), *cc = mail_store_addrs_text(m->cc, m->ncc);
	char *refs = refs_text(m), *skipped = json_dumps(d->skipped, JSON_COMPACT);
	size_t tl = strlen(m->text);
	struct mail_row r = {
		.direction = "in",
		.kind = kind,
		.ticket_id = ticket_id,
		.message_id = message_id,
		.mailbox_id = d->src->mailbox_id,
		.imap_uid = d->src->mailbox_id > 0 ? d->src->imap_uid : 0,
		.rfc_message_id = d->rfc,
		.in_reply_to = m->in_reply_to,
		.refs = refs,
		.from_addr = d->sender ? d->sender->address : "",
		.from_name = d->sender ? d->sender->name : "",
		.to_addrs = to,
		.cc_addrs = cc,
		.subject = m->subject,
		.status = status,
		.reason = reason,
		.raw_sha256 = d->sha,
		.size = (int64_t)d->len,
		.quote_at = m->quote_at < tl ? (int64_t)m->quote_at : -1,
		.html = m->html,
		.skipped = skipped,
		.created_at = d->now,
	};
	int rc = mail_store_insert(d->db, &r, &d->out->mail_id, err);
	free(to);
	free(cc);
	free(refs);
	free(skipped);
	return rc;
}

/* Keep the mail without a ticket: dropped with reason. */
static int drop(struct deliver *d, const char *reason, struct kf_error *err)
{
	d->out->action = MAIL_IN_DROPPED;
	str_copy(d->out->reason, sizeof(d->out->reason), reason);
	return store_row(d, mail_thread_kind(d->m.auto_flags), "dropped", reason, 0, 0, err);
}

/* The ticket event of a failed delivery: which mail, to whom (masked), why. */
static int bounce_event(struct deliver *d, int64_t out_id, int64_t ticket_id, struct kf_error *err)
{
	const struct mail_bounce *b = &d->m.bounce;
	char masked[300], diag[600];
	privacy_mask_email(b->recipient ? b->recipient : "", masked, sizeof(masked));
	privacy_mask_emails_in(b->diagnostic, diag, sizeof(diag));
	json_t *after = json_pack("{s:I,s:s,s:s,s:s}", "mail_id", (json_int_t)out_id, "recipient", masked,
	                          "status", b->status ? b->status : "", "diagnostic", diag);
	struct actor sys = { .kind = "system", .name = "mail" };
	int rc = ticket_event_add(d->db, &sys, d->now, ticket_id, "mail_bounced", NULL, after, err);
	json_decref(after);
	return rc;
}

/* Whether the report says the delivery failed (Action: failed, or no action but a 5.x.x status). */
static int bounce_failed(const struct mail_bounce *b)
{
	const char *action = b->action ? b->action : "", *status = b->status ? b->status : "";
	return strcasecmp(action, "failed") == 0 || (!action[0] && status[0] != '4');
}

/*
 * A delivery status notification: a failure marks the outgoing mail
 * bounced, the address bouncing and tells the ticket; a delay (Action:
 * delayed, a 4.x.x status) is only kept on the ticket, reason "delayed".
 */
static int on_bounce(struct deliver *d, struct kf_error *err)
{
	const struct mail_bounce *b = &d->m.bounce;
	const char *orig = b->orig_message_id ? b->orig_message_id : "";
	int failed = bounce_failed(b);
	char why[600], diag[400];
	int64_t out_id = 0, ticket_id = 0;
	privacy_mask_emails_in(b->diagnostic, diag, sizeof(diag)); /* shown to staff without pii.read */
	snprintf(why, sizeof(why), "%s%s%s", b->status ? b->status : "", b->status && b->status[0] ? " " : "",
	         diag);
	int rc = !orig[0] ? 0
	        : failed  ? mail_store_bounced(d->db, orig, why, d->now, &out_id, &ticket_id, err)
	                  : mail_store_seen(d->db, "out", orig, 0, 0, &out_id, &ticket_id, err);
	if (rc >= 0 && failed && b->recipient && b->recipient[0])
		rc = bounce_record(d->db, b->recipient, b->status, b->diagnostic, out_id, d->now, err);
	if (rc >= 0 && !out_id)
		return drop(d, failed ? "bounce_unmatched" : "delay_unmatched", err);
	if (rc >= 0 && failed && ticket_id)
		rc = bounce_event(d, out_id, ticket_id, err);
	if (rc < 0)
		return rc;
	d->out->action = MAIL_IN_BOUNCE;
	d->out->ticket_id = ticket_id;
	if (!failed)
		str_copy(d->out->reason, sizeof(d->out->reason), "delayed");
	return store_row(d, "bounce", "received", failed ? "" : "delayed", ticket_id, 0, err);
}

/* The language of the mail's text: "zh" or "en". */
static const char *mail_language(const struct deliver *d)
{
	return lang_detect(d->m.subject, d->m.text, TICKET_DEFAULT_LANGUAGE);
}

/* A customer name from the sender: no '/' or ';', trimmed; the address when nothing is left. */
static void customer_name(const struct deliver *d, char *out, size_t n)
{
	struct kf_error ignore = KF_ERROR_INIT;
	const char *name = d->sender->name ? d->sender->name : "";
	size_t o = 0;
	for (const char *p = name; *p && o + 1 < n; p++)
		out[o++] = *p == '/' || *p == ';' || (unsigned char)*p < ' ' ? ' ' : *p;
	out[o] = '\0';
	const char *s = out;
	while (*s == ' ')
		s++;
	memmove(out, s, strlen(s) + 1);
	o = strlen(out);
	while (o > 0 && out[o - 1] == ' ')
		out[--o] = '\0';
	out[textlen_prefix(out, CUSTOMER_NAME_MAX, n - 1)] = '\0';
	if (customer_check_name(out, "name", CUSTOMER_NAME_MAX, 1, &ignore) < 0)
		snprintf(out, n, "%.*s", (int)textlen_prefix(d->sender->address, CUSTOMER_NAME_MAX, n - 1),
		         d->sender->address);
}

/* The customer of the sender's address: the owner of that e-mail identity, else a new customer. */
static int find_customer(struct deliver *d, struct kf_error *err)
{
	int rc = identity_owner(d->db, "email", d->sender->address, &d->out->customer_id, err);
	if (rc != KF_ENOTFOUND)
		return rc;
	char name[TEXTLEN_BYTES(CUSTOMER_NAME_MAX)];
	customer_name(d, name, sizeof(name));
	struct customer_fields f = CUSTOMER_FIELDS_INIT;
	f.name = name;
	f.locale = strcmp(mail_language(d), "en") == 0 ? "en" : "zh-CN";
	struct customer_identity_input ident = { "email", d->sender->address };
	struct customer_extras extra = { .nidentities = 1, .identities = &ident };
	struct customer c;
	rc = customer_create(d->db, &d->actor, d->now, &f, &extra, &c, err);
	if (rc == 0)
		d->out->customer_id = c.id;
	return rc;
}

/* The ticket of the first recipient address with a reply token; 0 when none. */
static int by_token(struct deliver *d, int64_t *ticket_id, struct kf_error *err)
{
	const struct mail_addr *lists[] = { d->m.delivered_to, d->m.to, d->m.cc };
	size_t counts[] = { d->m.ndelivered, d->m.nto, d->m.ncc };
	char tok[MAIL_TOKEN_MAX];
	*ticket_id = 0;
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			if (!mail_thread_token(lists[l][i].address, tok))
				continue;
			int rc = mail_token_ticket(d->db, tok, ticket_id, err);
			if (rc != KF_ENOTFOUND)
				return rc;
		}
	return 0;
}

/* The ticket of the newest References entry kefu knows; 0 when none. */
static int by_references(struct deliver *d, int64_t *ticket_id, struct kf_error *err)
{
	*ticket_id = 0;
	for (size_t i = d->m.nrefs; i > 0 && *ticket_id == 0; i--) {
		int rc = mail_store_ticket_of(d->db, d->m.references[i - 1], ticket_id, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The subject tag's ticket, and whether the sender may use it (the customer or a participant). */
static int by_tag(struct deliver *d, struct mail_thread_cand *c, struct kf_error *err)
{
	struct ticket t;
	int64_t id = mail_thread_subject_tag(d->m.subject);
	if (id <= 0)
		return 0;
	int rc = ticket_get(d->db, id, &t, err);
	if (rc == KF_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	c->tag_ticket = id;
	c->tag_sender_ok = t.customer_id > 0 && t.customer_id == d->out->customer_id;
	if (!c->tag_sender_ok) {
		rc = participant_is(d->db, id, d->sender->address, err);
		c->tag_sender_ok = rc == 1;
	}
	return rc < 0 ? rc : 0;
}

/* The ticket this mail answers (0 = none), merged tickets followed to their target. */
static int find_thread(struct deliver *d, int64_t *ticket_id, enum mail_thread_via *via, struct kf_error *err)
{
	struct mail_thread_cand c = { 0 };
	int rc = by_token(d, &c.token_ticket, err);
	if (rc == 0 && d->m.in_reply_to)
		rc = mail_store_ticket_of(d->db, d->m.in_reply_to, &c.reply_ticket, err);
	if (rc == 0)
		rc = by_references(d, &c.refs_ticket, err);
	if (rc == 0)
		rc = by_tag(d, &c, err);
	if (rc < 0)
		return rc;
	*ticket_id = mail_thread_choose(&c, via);
	for (int hop = 0; *ticket_id > 0 && hop < MERGE_HOPS_MAX; hop++) {
		struct ticket t;
		rc = ticket_get(d->db, *ticket_id, &t, err);
		if (rc < 0)
			return rc == KF_ENOTFOUND ? (*ticket_id = 0, 0) : rc;
		if (!t.merged_into_id)
			break;
		*ticket_id = t.merged_into_id;
	}
	return 0;
}

/* The mail's text as a message body: cut to TICKET_BODY_MAX characters, a placeholder when empty (owned). */
static char *body_text(const struct deliver *d)
{
	const char *text = d->m.text;
	while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')
		text++;
	if (!*text)
		return xstrdup(strcmp(mail_language(d), "en") == 0 ? "(no text)" : "(无正文)");
	size_t n = textlen_prefix(d->m.text, TICKET_BODY_MAX, (size_t)-1);
	char *s = xmalloc(n + 1);
	memcpy(s, d->m.text, n);
	s[n] = '\0';
	return s;
}

/* A new ticket for the mail (channel email); its first message's id into *message_id. */
static int open_ticket(struct deliver *d, struct ticket *t, int64_t *message_id, struct kf_error *err)
{
	char subject[TEXTLEN_BYTES(TICKET_SUBJECT_MAX)];
	const char *lang = mail_language(d);
	mail_thread_clean_subject(d->m.subject, subject, sizeof(subject));
	subject[textlen_prefix(subject, TICKET_SUBJECT_MAX, sizeof(subject) - 1)] = '\0';
	if (!subject[0])
		snprintf(subject, sizeof(subject), "%s", strcmp(lang, "en") == 0 ? "(no subject)" : "(无主题)");
	char *body = body_text(d);
	struct ticket_new in = { .type = "inquiry",
		                 .subject = subject,
		                 .channel = "email",
		                 .language = lang,
		                 .customer_id = d->out->customer_id,
		                 .body = body };
	json_t *first = NULL;
	int64_t last = 0;
	int rc = ticket_create(d->db, &d->actor, d->now, &in, t, err);
	if (rc == 0)
		rc = message_list(d->db, t->id, 0, 1, &first, &last, err);
	*message_id = last;
	json_decref(first);
	free(body);
	return rc;
}

/* The mail as a customer message on t (which it may reopen). */
static int append(struct deliver *d, struct ticket *t, int64_t *message_id, struct kf_error *err)
{
	char *body = body_text(d);
	json_t *msg = NULL;
	int was_done = t->state == TS_RESOLVED || t->state == TS_CLOSED;
	int rc = message_add(d->db, &d->actor, d->now, t->id, MESSAGE_CUSTOMER, body, TS_NONE, t, &msg, err);
	if (rc == 0) {
		*message_id = json_integer_value(json_object_get(msg, "id"));
		d->out->action = was_done ? MAIL_IN_REOPENED : MAIL_IN_APPENDED;
	}
	json_decref(msg);
	free(body);
	return rc;
}

/* A file name for a part without one: "attachment.<ext>" by its type. */
static const char *part_name(const struct mail_part *p)
{
	static const struct {
		const char *type, *name;
	} names[] = { { "image/png", "image.png" },
		      { "image/jpeg", "image.jpg" },
		      { "image/gif", "image.gif" },
		      { "image/webp", "image.webp" },
		      { "application/pdf", "attachment.pdf" },
		      { "text/plain", "attachment.txt" },
		      { "text/csv", "attachment.csv" },
		      { "application/zip", "attachment.zip" } };
	if (p->filename && p->filename[0])
		return p->filename;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].type, p->content_type ? p->content_type : "") == 0)
			return names[i].name;
	return "attachment";
}

static void skip(struct deliver *d, const struct mail_part *p, const char *reason)
{
	json_array_append_new(d->skipped,
	                      json_pack("{s:s,s:s,s:I,s:s}", "filename", part_name(p), "content_type",
	                                p->content_type ? p->content_type : "", "size", (json_int_t)p->len,
	                                "reason", reason));
}

/* Each accepted part as an attachment of ticket_id arriving with message_id; the rest listed as skipped. */
static int attach(struct deliver *d, int64_t ticket_id, int64_t message_id, struct kf_error *err)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < d->m.nparts; i++) {
		const struct mail_part *p = &d->m.parts[i];
		json_t *x = NULL;
		if (p->len > ATTACHMENT_MAX) {
			skip(d, p, "too_big");
			continue;
		}
		if (p->len == 0 || !attachment_check_type(p->content_type, p->data, p->len)) {
			skip(d, p, "type");
			continue;
		}
		rc = attachment_add(d->db, &d->actor, d->now, ticket_id, part_name(p), p->content_type,
		                    p->data, p->len, &x, err);
		if (rc == 0 && message_id > 0)
			rc = attachment_set_message(d->db, json_integer_value(json_object_get(x, "id")),
			                            message_id, err);
		json_decref(x);
	}
	if (d->m.parts_dropped)
		json_array_append_new(d->skipped,
		                      json_pack("{s:s,s:I}", "reason", "too_many", "count",
		                                (json_int_t)d->m.parts_dropped));
	return rc;
}

/* Whether addr is t's customer (one of its e-mail identities). */
static int is_customer(struct deliver *d, const struct ticket *t, const char *addr, struct kf_error *err)
{
	int64_t owner = 0;
	int rc = identity_owner(d->db, "email", addr, &owner, err);
	if (rc == KF_ENOTFOUND)
		return 0;
	return rc < 0 ? rc : t->customer_id > 0 && owner == t->customer_id;
}

/* One address as a participant of t unless it is kefu's own or the customer's. */
static int participate(struct deliver *d, const struct ticket *t, const struct mail_addr *a,
                       struct kf_error *err)
{
	if (!a->address || !a->address[0] || is_own(d, a->address))
		return 0;
	int rc = is_customer(d, t, a->address, err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (!mail_settings_address_valid(a->address))
		return 0;
	return participant_add(d->db, &d->actor, d->now, t->id, a->address, a->name, NULL, err);
}

/* The sender (when not the customer) and the To/Cc addresses as participants of t; none for auto/bulk mail. */
static int participants(struct deliver *d, const struct ticket *t, struct kf_error *err)
{
	if (d->m.auto_flags)
		return 0;
	int rc = participate(d, t, d->sender, err);
	for (size_t i = 0; rc == 0 && i < d->m.nto && i < MAIL_MAX_ADDRS; i++)
		rc = participate(d, t, &d->m.to[i], err);
	for (size_t i = 0; rc == 0 && i < d->m.ncc && i < MAIL_MAX_ADDRS; i++)
		rc = participate(d, t, &d->m.cc[i], err);
	return rc;
}

/*
 * An out-of-office note or list mail answering a finished ticket: kept on
 * the ticket (the agent sees it among its mails) but neither a message
 * nor a reason to reopen it.
 */
static int quiet(struct deliver *d, const struct ticket *t, struct kf_error *err)
{
	d->out->action = MAIL_IN_DROPPED;
	d->out->ticket_id = t->id;
	str_copy(d->out->reason, sizeof(d->out->reason), "auto_reply_closed");
	return store_row(d, mail_thread_kind(d->m.auto_flags), "dropped", "auto_reply_closed", t->id, 0, err);
}

/* The ticket the mail goes to, threaded or new, with its message, attachments and participants. */
static int to_ticket(struct deliver *d, struct kf_error *err)
{
	enum mail_thread_via via = MAIL_THREAD_NEW;
	int64_t ticket_id = 0, message_id = 0, old_id = 0;
	struct ticket t;
	int rc = find_thread(d, &ticket_id, &via, err);
	if (rc == 0 && ticket_id > 0)
		rc = ticket_get(d->db, ticket_id, &t, err);
	if (rc == 0 && ticket_id > 0 && d->m.auto_flags && (t.state == TS_RESOLVED || t.state == TS_CLOSED))
		return quiet(d, &t, err);
	if (rc == 0 && ticket_id > 0 && t.state == TS_CLOSED &&
	    !mail_thread_may_reopen(t.closed_at, d->set.reopen_days, d->now)) {
		old_id = ticket_id; /* too late to reopen: a new ticket linked to the old one */
		ticket_id = 0;
	}
	if (rc == 0 && ticket_id > 0)
		rc = append(d, &t, &message_id, err);
	if (rc == 0 && ticket_id == 0) {
		rc = open_ticket(d, &t, &message_id, err);
		d->out->action = old_id ? MAIL_IN_LINKED : MAIL_IN_CREATED;
	}
	if (rc == 0 && old_id)
		rc = ticket_link_add(d->db, &d->actor, d->now, t.id, old_id, "related", err);
	if (rc == 0)
		rc = attach(d, t.id, message_id, err);
	if (rc == 0)
		rc = participants(d, &t, err);
	if (rc < 0)
		return rc;
	d->out->ticket_id = t.id;
	d->out->message_id = message_id;
	const char *how = old_id ? "reopen_window" : mail_thread_via_name(via);
	return store_row(d, mail_thread_kind(d->m.auto_flags), "received", how, t.id, message_id, err);
}

/* Whether the sender passed the hourly rate: 1 when over it. */
static int over_rate(struct deliver *d, struct kf_error *err)
{
	int64_t n = 0;
	if (d->set.sender_rate_per_hour <= 0)
		return 0;
	int rc = mail_store_sender_count(d->db, d->sender->address, d->now - 3600, &n, err);
	return rc < 0 ? rc : n >= d->set.sender_rate_per_hour;
}

/* Everything after parsing, inside the transaction. */
static int deliver_tx(struct deliver *d, struct kf_error *err)
{
	int64_t seen_id = 0, seen_ticket = 0;
	int rc = mail_store_seen(d->db, "in", d->rfc, d->src->mailbox_id, d->src->imap_uid, &seen_id,
	                         &seen_ticket, err);
	if (rc == 1) {
		d->out->action = MAIL_IN_DUPLICATE;
		d->out->mail_id = seen_id;
		d->out->ticket_id = seen_ticket;
		return 0;
	}
	if (rc == 0)
		rc = attachment_blob_put(d->db, d->raw, d->len, d->sha, err);
	if (rc < 0)
		return rc;
	if (d->m.bounce.is_bounce)
		return on_bounce(d, err);
	rc = mail_store_seen(d->db, "out", d->rfc, 0, 0, &seen_id, &seen_ticket, err);
	if (rc < 0)
		return rc;
	if (rc == 1 || (d->sender && is_own(d, d->sender->address)))
		return drop(d, "loop", err);
	if (!d->sender)
		return drop(d, "no_sender", err);
	rc = over_rate(d, err);
	if (rc != 0)
		return rc < 0 ? rc : drop(d, "rate_limited", err);
	rc = find_customer(d, err);
	return rc < 0 ? rc : to_ticket(d, err);
}

int mail_in_deliver(struct db *db, const struct mail_source *src, const char *raw, size_t len, int64_t now,
                    struct mail_in_result *out, struct kf_error *err)
{
	struct deliver d = { .db = db, .src = src, .raw = raw, .len = len, .now = now, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = mail_settings_get(db, &d.set, err);
	if (rc == 0 && (int64_t)len > d.set.max_message_bytes)
		rc = kf_fail(err, KF_ETOOBIG, "mail_too_big", "body", "a mail may have at most %lld bytes",
		             (long long)d.set.max_message_bytes);
	if (rc == 0)
		rc = mail_parse(raw, len, &d.m, err);
	if (rc < 0)
		goto out;
	rfc_id(&d);
	if (src->mailbox_id > 0)
		rc = mailbox_address(db, src->mailbox_id, d.mailbox_addr, sizeof(d.mailbox_addr), err);
	if (rc < 0)
		goto out;
	own_addresses(&d);
	sender_of(&d);
	d.skipped = json_array();
	rc = db_begin(db, err);
	if (rc == 0)
		rc = db_finish(db, deliver_tx(&d, err), err);
out:
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	json_decref(d.skipped);
	free(d.own);
	mail_msg_free(&d.m);
	return rc;
}
