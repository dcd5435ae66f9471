/*
 * event_stats.c - the "stats" consumer: counts events per UTC day and
 * type in event_stats (a durable tally that survives the events' own
 * retention).  It only writes to the database, in the delivery
 * transaction, so each event is counted exactly once.
 */
#include "events/event_stats.h"

#include <stdio.h>
#include <time.h>

#include "store/db.h"

static void utc_day(int64_t ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		out[0] = 0;
}

int event_stats_handle(struct db *db, const struct event *ev, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("INSERT INTO event_stats (day, type, n) VALUES ($1, $2, 1) "
	                                "ON CONFLICT (day, type) DO UPDATE SET n = event_stats.n + 1");
	char day[16];
	utc_day(ev->created_at_ms, day);
	int rc = db_exec(db, &q, DB_ARGS(db_text(day), db_text(ev->type)), err);
	return rc < 0 ? rc : 0;
}

int event_stats_total(struct db *db, const char *type, int64_t *out, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("SELECT COALESCE(SUM(n), 0) FROM event_stats WHERE type = $1");
	return db_query_int(db, &q, DB_ARGS(db_text(type)), out, err);
}
