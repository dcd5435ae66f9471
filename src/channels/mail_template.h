/*
 * mail_template.h - the texts of the mails kefu writes: the
 * acknowledgement of a new ticket ("ack"), an agent's reply ("reply") and
 * the resolved mail with the survey link ("resolved"), each in Chinese
 * ("zh") and English ("en").
 *
 * Every template is built in; an admin may store their own version of one
 * (table mail_templates, versioned, audited as "mail.template") and delete
 * it to go back to the built-in text.  A template is plain text with
 * {{placeholders}}: ticket.number ("#000123"), ticket.subject,
 * customer.name, reply.body, survey.link, agent.name, shop.name.  An
 * unknown placeholder is refused (KF_EINVAL "mail_template_placeholder",
 * naming it) when stored and when rendered.
 *
 * Rendering is pure: the subject (one line), the text part, and an HTML
 * part made from the same text, every character of it HTML-escaped
 * (values included), paragraphs at blank lines and <br> at line breaks.
 */
#ifndef KF_MAIL_TEMPLATE_H
#define KF_MAIL_TEMPLATE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define MAIL_TEMPLATE_SUBJECT_MAX 200 /* characters of a template's subject */
#define MAIL_TEMPLATE_BODY_MAX 20000 /* characters of a template's body */

/* The values of the placeholders (NULL counts as ""); borrowed. */
struct mail_vars {
	const char *ticket_number; /* "#000123" */
	const char *ticket_subject;
	const char *customer_name;
	const char *reply_body;
	const char *survey_link;
	const char *agent_name;
	const char *shop_name;
};

/* One template as stored or built in. */
struct mail_template {
	char name[12]; /* ack, reply, resolved */
	char lang[4]; /* zh, en */
	char *subject; /* owned */
	char *body; /* owned */
	int custom; /* 1: an admin's version; 0: built in */
	int64_t version; /* 0 when built in */
	int64_t updated_at; /* 0 when built in */
};

/* A rendered mail (every string owned; mail_rendered_release frees them). */
struct mail_rendered {
	char *subject;
	char *text;
	char *html;
};

/* Whether name is ack/reply/resolved and lang zh/en. Pure. */
int mail_template_known(const char *name, const char *lang);

/* The built-in subject and body of (name, lang) (static strings); KF_ENOTFOUND when unknown. */
int mail_template_builtin(const char *name, const char *lang, const char **subject, const char **body,
                          struct kf_error *err);

/*
 * Check that tpl uses only known placeholders, every "{{" closed: 0, or
 * KF_EINVAL "mail_template_placeholder" with field and the placeholder in
 * the message. Pure.
 */
int mail_template_check(const char *tpl, const char *field, struct kf_error *err);

/* Render subject_tpl and body_tpl with v into *out (released by the caller, also on failure). Pure. */
int mail_template_render(const char *subject_tpl, const char *body_tpl, const struct mail_vars *v,
                         struct mail_rendered *out, struct kf_error *err);
void mail_rendered_release(struct mail_rendered *r);

/* The template in force for (name, lang): the admin's if stored, else the built-in one. */
int mail_template_get(struct db *db, const char *name, const char *lang, struct mail_template *out,
                      struct kf_error *err);
void mail_template_release(struct mail_template *t);
/* t as JSON {name, lang, subject, body, custom, version, updated_at} (owned). */
json_t *mail_template_json(const struct mail_template *t);
/* Every template (3 names x 2 languages) as a new array. */
int mail_template_list_json(struct db *db, json_t **items, struct kf_error *err);

/*
 * Store an admin's version of (name, lang); version is the one the admin
 * read (0 for the built-in one; < 0: do not check), KF_ESTALE when it has
 * moved on.  Checked (lengths, one-line subject, placeholders), audited.
 * *out gets the stored template.
 */
int mail_template_put(struct db *db, const struct actor *a, int64_t now, const char *name, const char *lang,
                      const char *subject, const char *body, int64_t version, struct mail_template *out,
                      struct kf_error *err);
/* Go back to the built-in version (nothing to do when none is stored), audited. */
int mail_template_reset(struct db *db, const struct actor *a, int64_t now, const char *name, const char *lang,
                        struct kf_error *err);

#endif
