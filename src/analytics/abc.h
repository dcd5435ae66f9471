/*
 * abc.h - ABC (Pareto) classification by value (PRODUCT.md C2, Q5;
 * metrics-and-methods.md 5.2; docs/metrics/customer-value.md).
 *
 * Pure.  Items (customers, SKUs) are sorted by value, largest first, and
 * each gets the cumulative share of the total value up to and including
 * itself.  The boundary rule is "<=":
 *   A  cumulative share <= a            (default 0.80)
 *   B  cumulative share <= a + b        (default 0.80 + 0.15 = 0.95)
 *   C  the rest (the last 5 % by default)
 * Three fixed exceptions, so the tier that follows from the class is fair
 * and never surprising:
 *   - an item with value <= 0 (no revenue, or refunds beyond purchases)
 *     is C and does not count in the total;
 *   - items with equal value share one class: a run of ties is classed by
 *     the cumulative share at its last member (so a tie straddling a
 *     boundary goes to the lower class together);
 *   - the largest item is A even when its own share passes a (one customer
 *     with 90 % of the revenue is A, not B), and likewise its ties.
 */
#ifndef KF_ABC_H
#define KF_ABC_H

#include <stddef.h>
#include <stdint.h>

struct abc_thresholds {
	double a; /* cumulative share closing class A, in (0, 1] */
	double b; /* the share of class B: B closes at a + b <= 1 */
};
#define ABC_THRESHOLDS_DEFAULT \
	{ \
		0.80, 0.15 \
	}

struct abc_item {
	int64_t value; /* in: revenue in minor units */
	char cls; /* out: 'A', 'B' or 'C' */
};

/* 1 when 0 < a, 0 <= b and a + b <= 1 (plus a rounding slack). */
int abc_thresholds_valid(const struct abc_thresholds *t);

/*
 * Class items[0..n-1] in place (cls).  Ties keep no order among
 * themselves (they share a class).  Allocates O(n) scratch memory.
 */
void abc_classify(struct abc_item *items, size_t n, const struct abc_thresholds *t);

#endif
