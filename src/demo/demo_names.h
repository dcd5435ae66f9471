/*
 * demo_names.h - the word lists of the demo data set: Chinese and English
 * names of people and companies, phone numbers, e-mail addresses and
 * WeChat ids, delivery addresses in real provinces, cities and
 * districts, products (SKU, Chinese and English name, category, price in
 * 分) and the express carriers with their tracking-number shapes.
 *
 * Everything here is PURE: a function of the random stream and, for the
 * values that must be unique in the database (phones, e-mails, WeChat
 * ids, tracking numbers), of a serial number that the caller never
 * repeats.  The serial goes through a bijection on the digits, so the
 * values look random yet never collide.
 */
#ifndef KF_DEMO_NAMES_H
#define KF_DEMO_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "demo/demo_rng.h"

#define DEMO_NAME_MAX 64 /* bytes of a generated name, with NUL */
#define DEMO_CONTACT_MAX 64 /* bytes of a phone, e-mail or WeChat id, with NUL */

struct demo_person {
	char name[DEMO_NAME_MAX]; /* 王芳, Emily Carter, 上海明远贸易有限公司 */
	char latin[DEMO_NAME_MAX]; /* lower-case ASCII for e-mails: wangfang, emily.carter */
	int english; /* 1 = an English name */
};

/* A person's name: Chinese (surname + one or two given characters) or, with english, English. */
void demo_person(struct demo_rng *r, int english, struct demo_person *out);
/* A company: 上海明远贸易有限公司 (latin "mingyuan"), or an English one. */
void demo_company(struct demo_rng *r, int english, struct demo_person *out);

/* A mainland mobile number, 11 digits 1[3-9]xxxxxxxxx, unique per serial (< 10^8). */
void demo_phone(struct demo_rng *r, int64_t serial, char out[DEMO_CONTACT_MAX]);
/* latin + digits @ a common mail domain, lower case, unique per serial. */
void demo_email(struct demo_rng *r, const char *latin, int64_t serial, char out[DEMO_CONTACT_MAX]);
/* A WeChat id ("wxid_" + 10 letters/digits, or latin + digits), unique per serial. */
void demo_wechat(struct demo_rng *r, const char *latin, int64_t serial, char out[DEMO_CONTACT_MAX]);

struct demo_place {
	const char *province; /* 广东省; for the municipalities the city again (上海市) */
	const char *city; /* 深圳市 */
	const char *district; /* 南山区 */
	const char *postcode; /* 518000 */
	const char *streets[3]; /* roads of that district */
};

/* A place from the list (weighted towards the big cities). */
const struct demo_place *demo_place(struct demo_rng *r);
/* The address line in that place: 科技园南区高新南七道 18 号 5 栋 1203 室. */
void demo_street(struct demo_rng *r, const struct demo_place *p, char *out, size_t n);

struct demo_product {
	const char *sku; /* HOME-0001 */
	const char *name_zh; /* 陶瓷马克杯 */
	const char *name_en; /* Ceramic mug */
	const char *category; /* 家居, 数码, 服装, 食品, 美妆, 母婴, 运动, 图书 */
	int64_t price_minor; /* 分 */
	int fragile; /* 1 = breaks in transit (for the damage stories) */
};

const struct demo_product *demo_product(struct demo_rng *r);
size_t demo_product_count(void);

struct demo_carrier {
	const char *name; /* 顺丰速运 SF Express */
	const char *prefix; /* the tracking number's letters: SF, YT, JDV, DPK; "" for digits only */
	const char *lead; /* leading digits after the prefix */
	int digits; /* digits after lead */
	const char *mode; /* shipments.mode */
};

const struct demo_carrier *demo_carrier(struct demo_rng *r);
/* The carrier's tracking number for serial (< 10^9): unique across carriers. */
void demo_tracking_number(const struct demo_carrier *c, int64_t serial, char out[DEMO_CONTACT_MAX]);

/* A preference (the Oriental Hotel kind): key 常用收货时间, value 工作日晚上 18 点后. */
void demo_preference(struct demo_rng *r, int i, const char **key, const char **value);
/* The number of preference keys demo_preference knows (i < this). */
int demo_preference_keys(void);
/* A customer tag: VIP, 企业客户, 价格敏感, ... */
const char *demo_tag(struct demo_rng *r);

/* The digits of serial, scrambled by a bijection on [0, 10^digits). */
int64_t demo_scramble(int64_t serial, int digits);

#endif
