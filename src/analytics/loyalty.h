/*
 * loyalty.h - the loyalty measures of PRODUCT.md Q6, after the seed
 * (000, the list of loyalty definitions): 塔克(Tucker): 连续3次购买某品牌的
 * 产品或服务; 布莱博格(Blattberg)和森(Sen): 应该把购买比例作为忠诚行为的测算
 * 基础; 迪克和巴苏(Dick & Basu): 只有当重复购买行为伴随着较高的态度取向时,
 * 才产生真正的客户忠诚.  Pure; definitions in docs/metrics/customer-value.md.
 *
 * Tucker repeat purchase.  Tucker (1964) counted three consecutive choices
 * of one brand within the shopper's sequence of category purchases.  kefu
 * sees only its own orders, so "consecutive" is read as "no long break":
 * a customer is Tucker-loyal when their LAST three purchases (orders, not
 * cancelled, in the period) each came within max_gap of the one before.
 * A break longer than max_gap is taken as purchases made elsewhere in
 * between.  The last three, not any run of three: the measure says whether
 * the customer is loyal now, so an old run does not count for ever.
 * max_gap 0 means no limit (then: three or more purchases).
 *
 * Share of purchases (Blattberg & Sen), as share of wallet: our sales to
 * the customer / the customer's purchases in the category.  The
 * denominator is not in our data; kefu takes it from the customer's
 * stated category spend (the preference LOYALTY_WALLET_KEY, filled from a
 * survey or by the CRM team) and compares it with our sales over the same
 * window (the last 365 days).  Without it the share is unknown, never
 * guessed.
 *
 * Dick & Basu matrix.  Relative attitude x repeat patronage:
 *   attitude high  = the customer's latest survey answer has NPS >= 9
 *                    (a promoter) or CSAT >= 4 (satisfied); low otherwise;
 *                    unknown without an answer;
 *   patronage high = RFM F score >= 4 or Tucker-loyal.
 *   high/high true, high/low latent, low/high spurious, low/low none;
 *   unknown attitude -> unknown (the matrix needs both axes).
 */
#ifndef KF_LOYALTY_H
#define KF_LOYALTY_H

#include <stddef.h>
#include <stdint.h>

#define LOYALTY_TUCKER_RUN 3 /* purchases in a row */
#define LOYALTY_TUCKER_GAP_DAYS 365 /* kefu's default max_gap */
#define LOYALTY_WALLET_KEY "category_spend_minor" /* customer_preferences.key: stated yearly category spend */
#define LOYALTY_WALLET_DAYS 365 /* the window of our sales compared with it */

enum loyalty_attitude { LOYALTY_ATT_UNKNOWN = -1, LOYALTY_ATT_LOW = 0, LOYALTY_ATT_HIGH = 1 };

enum loyalty_cell {
	LOYALTY_UNKNOWN, /* no survey answer */
	LOYALTY_TRUE, /* high attitude, high patronage */
	LOYALTY_LATENT, /* high attitude, low patronage */
	LOYALTY_SPURIOUS, /* low attitude, high patronage */
	LOYALTY_NONE, /* low, low */
};
#define LOYALTY_CELLS 5

/*
 * 1 when the last LOYALTY_TUCKER_RUN of the n purchase times at[]
 * (ascending, UTC seconds) are each within max_gap_s of the one before
 * (max_gap_s 0 = no limit); 0 otherwise, and always with fewer than three.
 */
int loyalty_tucker(const int64_t *at, size_t n, int64_t max_gap_s);

/* ours / category in [0, 1] (capped: the stated spend may be low); -1 when category <= 0 (unknown). */
double loyalty_share(int64_t ours_minor, int64_t category_minor);

/* From one survey answer; nps 0..10 and csat 1..5, -1 = not answered. */
enum loyalty_attitude loyalty_attitude_of(int nps, int csat);
/* 1 when the F score (0 = none) is >= 4 or the customer is Tucker-loyal. */
int loyalty_patronage_high(int f_score, int tucker);
enum loyalty_cell loyalty_cell_of(enum loyalty_attitude att, int patronage_high);
/* "true", "latent", "spurious", "none", "unknown". */
const char *loyalty_cell_name(enum loyalty_cell c);
/* The cell named name, or -1. */
int loyalty_cell_find(const char *name);

#endif
