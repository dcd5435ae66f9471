/*
 * tracking.c - see tracking.h.  One table holds each status's name and
 * labels; the rule is a handful of comparisons.
 */
#include "logistics/tracking.h"

#include <string.h>

struct status_info {
	const char *name; /* wire name */
	const char *zh; /* label in Chinese */
	const char *en; /* label in English */
};

static const struct status_info statuses[TRACK_COUNT] = {
	[TRACK_PENDING] = { "pending", "待揽收", "Pending" },
	[TRACK_INFO_RECEIVED] = { "info_received", "已接收信息", "Info received" },
	[TRACK_IN_TRANSIT] = { "in_transit", "运输中", "In transit" },
	[TRACK_OUT_FOR_DELIVERY] = { "out_for_delivery", "派送中", "Out for delivery" },
	[TRACK_FAILED_ATTEMPT] = { "failed_attempt", "派送未成功", "Delivery attempt failed" },
	[TRACK_AVAILABLE_FOR_PICKUP] = { "available_for_pickup", "待自提", "Available for pickup" },
	[TRACK_DELIVERED] = { "delivered", "已签收", "Delivered" },
	[TRACK_EXCEPTION] = { "exception", "运输异常", "Exception" },
	[TRACK_EXPIRED] = { "expired", "跟踪过期", "Tracking expired" },
};

enum tracking_status tracking_parse(const char *s)
{
	if (!s)
		return TRACK_NONE;
	for (int i = 0; i < TRACK_COUNT; i++)
		if (strcmp(s, statuses[i].name) == 0)
			return (enum tracking_status)i;
	return TRACK_NONE;
}

const char *tracking_name(enum tracking_status st)
{
	if (st < 0 || st >= TRACK_COUNT)
		return "";
	return statuses[st].name;
}

const char *tracking_label(enum tracking_status st, const char *lang)
{
	if (st < 0 || st >= TRACK_COUNT)
		return "";
	if (lang && strncmp(lang, "zh", 2) == 0)
		return statuses[st].zh;
	return statuses[st].en;
}

enum tracking_status tracking_apply(enum tracking_status cur, int64_t cur_at, enum tracking_status ev,
                                    int64_t ev_at, int *moved)
{
	*moved = 0;
	if (cur == TRACK_DELIVERED || ev == TRACK_PENDING || ev == TRACK_NONE)
		return cur;
	if (cur != TRACK_PENDING && ev_at < cur_at)
		return cur;
	*moved = ev != cur || ev_at != cur_at;
	return ev;
}

int tracking_open(enum tracking_status st)
{
	return st != TRACK_DELIVERED && st != TRACK_EXPIRED;
}
