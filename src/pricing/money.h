/*
 * money.h - money arithmetic for pricing: integer minor units (fen, cents)
 * and one rounding rule.
 *
 * Every amount is an int64 count of minor units of one currency.  A
 * product with a fraction (a rate per kg times grams, a percentage of a
 * freight charge) is computed exactly in 128-bit integers and rounded once,
 * half away from zero ("commercial rounding": 0.5 fen -> 1 fen, -0.5 ->
 * -1), which is what Chinese and US invoices expect.  Percentages are
 * basis points (1 % = 100 bp) so that 2.5 % is exact.  Overflow is a
 * checked error, never wraparound.
 */
#ifndef KF_MONEY_H
#define KF_MONEY_H

#include <stdint.h>

/* amount * num / den rounded half away from zero into *out.  den > 0.
 * Returns 0, or -1 when the result does not fit in int64. */
int money_muldiv(int64_t amount, int64_t num, int64_t den, int64_t *out);

/* amount * bp / 10000, same rounding. */
int money_bp(int64_t amount, int64_t bp, int64_t *out);

/* a + b into *out; -1 on overflow. */
int money_add(int64_t a, int64_t b, int64_t *out);

/* Ceiling division of non-negative n by d > 0. */
int64_t ceil_div(int64_t n, int64_t d);

#endif
