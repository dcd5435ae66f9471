/*
 * process_rules.h - what the pure rules of the complaint, return and claim processes
 * (complaint_rules.h, return_rules.h, claim_rules.h) share: name tables
 * and the currency code check.  No store, no clock, no globals.
 */
#ifndef KF_PROCESS_RULES_H
#define KF_PROCESS_RULES_H

#include <stddef.h>
#include <stdint.h>

/* Index of s in a NULL-free table of n names, or -1 (also for s NULL). */
int process_rules_name_index(const char *const *names, size_t n, const char *s);
/* names[i], or "" when i is outside the table.  Borrowed. */
const char *process_rules_name_at(const char *const *names, size_t n, int i);
/* 1 when s is a currency code: three upper-case ASCII letters. */
int process_rules_currency_valid(const char *s);

#endif
