/*
 * i18n_errors.h - Chinese wording of the API's error codes, for clients
 * that send Accept-Language: zh*.  The English message stays the source;
 * every code an API handler can return has a line here (a unit test
 * checks the codes used in src/ against this table).
 */
#ifndef KF_I18N_ERRORS_H
#define KF_I18N_ERRORS_H

#include <stddef.h>

/* Write the Chinese message for code (about field, may be NULL); -1 if none. */
int i18n_error_zh(const char *code, const char *field, char *out, size_t outsz);
/* Whether code has a Chinese message. */
int i18n_error_known(const char *code);
/*
 * What a reader calls an API field ("category_id" -> "category" / "类别");
 * for "addresses[0].line" the last part; the field itself when unknown.
 * Borrowed (static).
 */
const char *i18n_field_label(const char *field, int zh);
/* The English or Chinese label of exactly the n bytes at field; NULL when none. */
const char *i18n_field_label_exact(const char *field, size_t n, int zh);
/*
 * msg (English) with API field names in the reader's words: field (the
 * error's field, may be NULL) at the start, and every snake_case word that
 * names a known field anywhere ("category_id must be ..." -> "category must be ...").
 */
void i18n_relabel_en(const char *msg, const char *field, char *out, size_t outsz);
/* Labels of a comma-separated list of fields, joined by ", " or "、", into out. */
void i18n_fields_join(const char *fields, int zh, char *out, size_t outsz);

#endif
