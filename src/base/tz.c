/*
 * tz.c - see tz.h.  TZif format: RFC 8536.  POSIX TZ rules: POSIX.1-2017
 * section 8.3 (the footer of a TZif v2+ file).
 */
#include "base/tz.h"
#include "base/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_FILE_MAX (1024 * 1024) /* no real zone file comes near this */
#define TZ_CACHE_MAX 128 /* distinct zones one process loads */

#define YEAR_MIN (-1000000) /* tz_days_from_civil clamps years to this ... */
#define YEAR_MAX 1000000 /* ... and this: far beyond TZ_TIME_*, far from overflowing */
#define DAY_MIN (-INT64_C(365000000)) /* tz_civil_from_days clamps day numbers to this ... */
#define DAY_MAX INT64_C(365000000) /* ... and this (about a million years) */

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int tz_time_check(int64_t t, const char *field, struct kf_error *err)
{
	if (t >= TZ_TIME_MIN && t <= TZ_TIME_MAX)
		return 0;
	return kf_fail(err, KF_EINVAL, "range", field,
	               "%s is out of range: times must lie between the years 0000 and 9999", field);
}

int64_t tz_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Howard Hinnant's days_from_civil (public domain). */
int64_t tz_days_from_civil(int64_t y, int m, int d)
{
	y = clamp(y, YEAR_MIN, YEAR_MAX);
	y -= m <= 2;
	int64_t era = tz_floordiv(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z = clamp(z, DAY_MIN, DAY_MAX) + 719468;
	int64_t era = tz_floordiv(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int tz_weekday(int64_t days)
{
	return (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
}

/* --- TZif ---------------------------------------------------------------- */

static int64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

struct tzif_counts {
	int64_t isut, isstd, leap, time, type, chars;
};

static int read_counts(const unsigned char *p, size_t len, struct tzif_counts *c)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	c->isut = be(p + 20, 4);
	c->isstd = be(p + 24, 4);
	c->leap = be(p + 28, 4);
	c->time = be(p + 32, 4);
	c->type = be(p + 36, 4);
	c->chars = be(p + 40, 4);
	if (c->isut < 0 || c->isstd < 0 || c->leap < 0 || c->time < 0 || c->type < 1 || c->type > 256 ||
	    c->chars < 0 || c->time > 100000 || c->leap > 10000 || c->chars > 100000)
		return -1;
	return 0;
}

static size_t block_len(const struct tzif_counts *c, int tsize)
{
	return (size_t)(c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) +
	                c->isstd + c->isut);
}

/* Parse "hh[:mm[:ss]]" with an optional sign; *out seconds. */
static const char *parse_hms(const char *s, int32_t *out)
{
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (*s < '0' || *s > '9')
		return NULL;
	long v[3] = { 0, 0, 0 };
	for (int i = 0; i < 3; i++) {
		char *end;
		v[i] = strtol(s, &end, 10);
		if (end == s || v[i] < 0 || v[i] > 167)
			return NULL;
		s = end;
		if (*s != ':' || i == 2)
			break;
		s++;
	}
	*out = (int32_t)(sign * (v[0] * 3600 + v[1] * 60 + v[2]));
	return s;
}

static const char *parse_name(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		return e ? e + 1 : NULL;
	}
	const char *b = s;
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	return s - b >= 3 ? s : NULL;
}

static const char *parse_rule(const char *s, struct tz_rule *r)
{
	char *end;
	r->time_s = 7200;
	if (*s == 'M') {
		r->kind = 'M';
		r->month = (int)strtol(s + 1, &end, 10);
		if (*end != '.')
			return NULL;
		r->week = (int)strtol(end + 1, &end, 10);
		if (*end != '.')
			return NULL;
		r->wday = (int)strtol(end + 1, &end, 10);
		if (r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 || r->wday < 0 || r->wday > 6)
			return NULL;
	} else {
		r->kind = *s == 'J' ? 'J' : 'N';
		r->day = (int)strtol(s + (*s == 'J'), &end, 10);
		if (end == s || r->day < 0 || r->day > 365)
			return NULL;
	}
	s = end;
	if (*s == '/')
		s = parse_hms(s + 1, &r->time_s);
	return s;
}

/* The POSIX TZ string of the footer; 0 when understood. */
static int parse_footer(const char *s, struct tz *z)
{
	int32_t off;
	s = parse_name(s);
	if (!s || !(s = parse_hms(s, &off)))
		return -1;
	z->std_off = z->dst_off = -off;
	if (*s == '\0')
		return 0;
	if (!(s = parse_name(s)))
		return -1;
	z->dst_off = z->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if (!(s = parse_hms(s, &off)))
			return -1;
		z->dst_off = -off;
	}
	if (*s != ',' || !(s = parse_rule(s + 1, &z->start)) || *s != ',' || !(s = parse_rule(s + 1, &z->end)))
		return -1;
	return *s == '\0' ? 0 : -1;
}

static void read_footer(const unsigned char *p, size_t len, struct tz *z)
{
	char buf[128];
	if (len < 2 || p[0] != '\n')
		return;
	const unsigned char *nl = memchr(p + 1, '\n', len - 1);
	size_t n = nl ? (size_t)(nl - p - 1) : 0;
	if (n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, p + 1, n);
	buf[n] = '\0';
	z->start.kind = z->end.kind = 0;
	z->has_footer = parse_footer(buf, z) == 0;
}

int tz_parse(const unsigned char *p, size_t len, struct tz *z, struct kf_error *err)
{
	struct tzif_counts c1, c;
	memset((char *)z + TZ_NAME_MAX, 0, sizeof(*z) - TZ_NAME_MAX);
	if (read_counts(p, len, &c1) < 0 || p[4] < '2')
		goto bad;
	size_t off = 44 + block_len(&c1, 4);
	if (off > len || read_counts(p + off, len - off, &c) < 0)
		goto bad;
	p += off + 44;
	len -= off + 44;
	size_t need = block_len(&c, 8);
	if (need > len)
		goto bad;
	const unsigned char *times = p, *idx = p + c.time * 8, *types = idx + c.time;
	for (int64_t i = 0; i < c.time; i++)
		if (idx[i] >= c.type)
			goto bad;
	z->n = (int)c.time;
	z->at = xcalloc((size_t)z->n + 1, sizeof(*z->at));
	z->off = xcalloc((size_t)z->n + 1, sizeof(*z->off));
	z->off0 = (int32_t)be(types, 4);
	for (int i = 0; i < z->n; i++) {
		z->at[i] = be(times + 8 * i, 8);
		z->off[i] = (int32_t)be(types + 6 * idx[i], 4);
	}
	read_footer(p + need, len - need, z);
	return 0;
bad:
	return kf_fail(err, KF_EINVAL, "invalid", "time_zone", "the time zone file is not valid TZif v2+");
}

void tz_release(struct tz *z)
{
	free(z->at);
	free(z->off);
	z->at = NULL;
	z->off = NULL;
	z->n = 0;
}

/* --- offsets --------------------------------------------------------------- */

static int month_days(int64_t y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d[m - 1] + (m == 2 && leap);
}

/* Local seconds of the rule's change in year y. */
static int64_t rule_local(const struct tz_rule *r, int64_t y)
{
	int64_t day;
	if (r->kind == 'M') {
		int64_t first = tz_days_from_civil(y, r->month, 1);
		int64_t d = first + (r->wday - tz_weekday(first) + 7) % 7 + 7 * (r->week - 1);
		int64_t last = first + month_days(y, r->month) - 1;
		while (d > last)
			d -= 7;
		day = d;
	} else if (r->kind == 'J') {
		day = tz_days_from_civil(y, 1, 1) + r->day - 1;
		if (r->day >= 60 && month_days(y, 2) == 29)
			day++;
	} else {
		day = tz_days_from_civil(y, 1, 1) + r->day;
	}
	return day * 86400 + r->time_s;
}

static int32_t footer_offset(const struct tz *z, int64_t t)
{
	if (!z->start.kind)
		return z->std_off;
	int64_t y;
	int m, d;
	tz_civil_from_days(tz_floordiv(t + z->std_off, 86400), &y, &m, &d);
	int64_t s = rule_local(&z->start, y) - z->std_off;
	int64_t e = rule_local(&z->end, y) - z->dst_off;
	int dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
	return dst ? z->dst_off : z->std_off;
}

int32_t tz_offset(const struct tz *z, int64_t t)
{
	t = clamp(t, TZ_TIME_MIN, TZ_TIME_MAX);
	if (z->n == 0)
		return z->has_footer ? footer_offset(z, t) : z->off0;
	if (t < z->at[0])
		return z->off0;
	if (t >= z->at[z->n - 1] && z->has_footer)
		return footer_offset(z, t);
	int lo = 0, hi = z->n - 1; /* the last i with at[i] <= t */
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return z->off[lo];
}

int64_t tz_to_local(const struct tz *z, int64_t t)
{
	t = clamp(t, TZ_TIME_MIN, TZ_TIME_MAX);
	return t + tz_offset(z, t);
}

int64_t tz_from_local(const struct tz *z, int64_t local)
{
	/* Transitions are far more than two days apart in every real zone. */
	local = clamp(local, TZ_TIME_MIN, TZ_TIME_MAX);
	int64_t t1 = local - tz_offset(z, local - 86400 * 2);
	int64_t t2 = local - tz_offset(z, local + 86400 * 2);
	int ok1 = tz_to_local(z, t1) == local, ok2 = tz_to_local(z, t2) == local;
	if (ok1 && ok2)
		return t1 < t2 ? t1 : t2;
	if (ok2)
		return t2;
	return t1; /* valid, or in a gap: read with the offset before the gap */
}

/* --- loading and the cache ------------------------------------------------- */

static int name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= TZ_NAME_MAX || name[0] == '/' || name[0] == '.' || strstr(name, ".."))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '/' || ch == '_' || ch == '-' || ch == '+'))
			return 0;
	}
	return 1;
}

static int read_file(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	unsigned char *b = xmalloc(TZ_FILE_MAX);
	size_t n = fread(b, 1, TZ_FILE_MAX, f);
	int bad = ferror(f) || n == TZ_FILE_MAX;
	fclose(f);
	if (bad) {
		free(b);
		return -1;
	}
	*data = b;
	*len = n;
	return 0;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *cache[TZ_CACHE_MAX];
static int ncache;

static const struct tz *cache_find(const char *name)
{
	for (int i = 0; i < ncache; i++)
		if (strcmp(cache[i]->name, name) == 0)
			return cache[i];
	return NULL;
}

static int load_new(const char *name, const struct tz **out, struct kf_error *err)
{
	char path[sizeof(TZ_DIR) + TZ_NAME_MAX];
	unsigned char *data = NULL;
	size_t len = 0;
	snprintf(path, sizeof(path), "%s%s", TZ_DIR, name);
	if (ncache >= TZ_CACHE_MAX || read_file(path, &data, &len) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "time_zone", "unknown time zone %s", name);
	struct tz *z = xcalloc(1, sizeof(*z));
	str_copy(z->name, sizeof(z->name), name);
	int rc = tz_parse(data, len, z, err);
	free(data);
	if (rc < 0) {
		tz_release(z);
		free(z);
		return rc;
	}
	cache[ncache++] = z;
	*out = z;
	return 0;
}

int tz_load(const char *name, const struct tz **out, struct kf_error *err)
{
	if (!name || !name_ok(name))
		return kf_fail(err, KF_EINVAL, "invalid", "time_zone",
		               "time_zone must be an IANA name such as Asia/Shanghai");
	pthread_mutex_lock(&cache_lock);
	const struct tz *z = cache_find(name);
	int rc = 0;
	if (z)
		*out = z;
	else
		rc = load_new(name, out, err);
	pthread_mutex_unlock(&cache_lock);
	return rc;
}
