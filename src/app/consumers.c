/*
 * consumers.c - every durable consumer of the event stream, by name.
 * A consumer's name is its cursor's key: renaming one starts it again from
 * the oldest stored event, and a removed one keeps its row (which holds
 * back retention, consumer_prune) until an admin deletes it.
 */
#include "app/consumers.h"

#include "channels/mail_out.h"
#include "events/consumer.h"
#include "events/event_stats.h"

static const char *const t_mail[] = { "ticket.created", "ticket.replied", NULL };

static const struct consumer table[] = {
	{ "stats", NULL, event_stats_handle },
	{ "mail", t_mail,
	  mail_out_handle }, /* acknowledgements, replies, resolved mails queued (channels/mail_out.h) */
};

void consumers_install(void)
{
	consumer_set_table(table, (int)(sizeof(table) / sizeof(table[0])));
}
