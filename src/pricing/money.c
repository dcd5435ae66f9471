/*
 * money.c - minor-unit arithmetic with one rounding rule (see money.h).
 */
#include "pricing/money.h"

__extension__ typedef __int128 i128;

int money_muldiv(int64_t amount, int64_t num, int64_t den, int64_t *out)
{
	if (den <= 0)
		return -1;
	i128 p = (i128)amount * num;
	int neg = p < 0;
	if (neg)
		p = -p;
	i128 q = (p + den / 2) / den; /* half away from zero, on the magnitude */
	if (neg)
		q = -q;
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*out = (int64_t)q;
	return 0;
}

int money_bp(int64_t amount, int64_t bp, int64_t *out)
{
	return money_muldiv(amount, bp, 10000, out);
}

int money_add(int64_t a, int64_t b, int64_t *out)
{
	return __builtin_add_overflow(a, b, out) ? -1 : 0;
}

int64_t ceil_div(int64_t n, int64_t d)
{
	return n <= 0 ? 0 : (n + d - 1) / d;
}
