/*
 * privacy.h - customers' personal data (seed 000 chapter 4.3): masking
 * for staff without pii.read, the export of everything kept about one
 * customer (a data subject's access request) and erasure.
 *
 * Masking is pure (no I/O) and works on UTF-8 characters, never splitting
 * one.  The rules, one per kind of value:
 *   phone   digits are masked, other characters kept; with 8 or more
 *           digits the first 3 and the last 4 stay ("138****5678",
 *           "+861******5678"); with 3 to 7 digits the first and the last
 *           stay ("1***5"); 1 or 2 digits are all masked.
 *   email   the first character of the local part, "***", then "@" and
 *           the domain ("z***@example.com"); without a usable "@" the
 *           value is masked as text.
 *   text    (names) each space-separated word keeps its first character
 *           and masks every other one with one '*' per character
 *           ("张三" -> "张*", "John Smith" -> "J*** S****"); a word of one
 *           character becomes "*".
 *   line    (street addresses, notes) the fixed "***".
 * The output is never longer than the input plus 4 bytes (NUL included).
 */
#ifndef KF_PRIVACY_H
#define KF_PRIVACY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

/* Each writes the masked s into out (n bytes, truncated at a character boundary). */
void privacy_mask_phone(const char *s, char *out, size_t n);
void privacy_mask_email(const char *s, char *out, size_t n);
void privacy_mask_text(const char *s, char *out, size_t n);
/* Free text (a mail server's reply line, a bounce's diagnostic) with every e-mail address in it masked. */
void privacy_mask_emails_in(const char *s, char *out, size_t n);
/* An identity value of kind (phone and qq as phone, email as email, the rest as text). */
void privacy_mask_identity(const char *kind, const char *s, char *out, size_t n);
/* The masked form of a birthday or a street line: a static string. */
#define PRIVACY_MASKED_DATE "****-**-**"
#define PRIVACY_MASKED_LINE "***"

struct db;

/*
 * Everything about customer id as one JSON object (*out owned), never
 * masked: "customer" (profile, identities, addresses, preferences, tags,
 * the whole consent history), "timeline" (every row, newest first) and
 * "exported_at".  Audited as "customer.export".
 */
int privacy_export(struct db *db, const struct actor *a, int64_t now, int64_t id, json_t **out,
                   struct kf_error *err);

/*
 * Anonymise customer id: the name becomes "已删除客户 / erased customer
 * #ID"; identities, addresses, preferences and tags are deleted; birthday
 * and note cleared; the timeline's summaries blanked; erased_at set.
 * Kept: the id, kind, tier, stage, company, external id (so a re-import
 * cannot bring the person back: import refuses erased customers), the
 * consent history (proof of what was agreed) and every row of other areas
 * (orders, tickets) that counts towards aggregates.  Audited as
 * "customer.erase" with only non-personal fields before.  KF_ECONFLICT
 * "erased" when already erased.
 */
int privacy_erase(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);

#endif
