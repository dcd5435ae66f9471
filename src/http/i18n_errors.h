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

#endif
