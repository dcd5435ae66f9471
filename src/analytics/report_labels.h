/*
 * report_labels.h - report cells in the reader's language: the codes
 * reports write (RFM segments, SERVQUAL dimensions, loyalty cells,
 * lifecycle stages, transport modes, "total", "(none)") and the
 * "中文 / English" labels of categories and placeholders, for the CSV
 * export, the CLI's text table and the JSON name column.  The same
 * labels as the web's rcode.* strings (web/i18n/en.json and zh-CN.json).
 */
#ifndef KF_REPORT_LABELS_H
#define KF_REPORT_LABELS_H

#include <stddef.h>

/*
 * Text cell s of column key for a reader of language zh (1) or English
 * (0): a known code through the label table (a column's own entry, then
 * the general one), a bilingual "中文 / English" label as its half in that
 * language, other text as it is.  The result is s, a static label, or out
 * (n bytes); never NULL.
 */
const char *report_label(const char *key, const char *s, int zh, char *out, size_t n);

struct report_table;
/* The "name" column of t (when it has one) in language zh, in place: what the API's JSON gives the page. */
void report_localize_names(struct report_table *t, int zh);

#endif
