/*
 * event_types.c - the list of event types; keep docs/events.md in step.
 */
#include "events/event_types.h"

#include <string.h>

const struct event_type event_types[] = {
	{ "ticket.created", "ticket", "a ticket was opened (any channel)" },
	{ "ticket.replied", "ticket", "staff added a public reply" },
	{ "ticket.customer_replied", "ticket", "the customer wrote again" },
	{ "ticket.note_added", "ticket", "staff added an internal note" },
	{ "ticket.state_changed", "ticket", "the ticket moved to another state" },
	{ "ticket.updated", "ticket", "subject, priority, type, category, links, team or assignee changed" },
	{ "ticket.merged", "ticket", "the ticket was merged into another" },
	{ "complaint.advanced", "ticket", "a complaint moved to its next step" },
	{ "return.advanced", "ticket", "a return moved to its next step" },
	{ "claim.advanced", "ticket", "a claim moved to its next step" },
	{ "followup.done", "ticket", "a follow-up call was recorded" },
	{ "shipment.created", "shipment", "a shipment was created" },
	{ "shipment.tracked", "shipment", "a tracking event arrived" },
	{ "shipment.delayed", "shipment", "a shipment is late against its promised date" },
	{ "shipment.delivered", "shipment", "a shipment was delivered" },
	{ "order.created", "order", "an order was created or imported" },
	{ "customer.created", "customer", "a customer was created" },
	{ "customer.updated", "customer", "a customer record changed" },
	{ "customer.merged", "customer", "two customer records were merged" },
	{ "customer.erased", "customer", "a customer's personal data was erased" },
	{ "survey.sent", "survey", "a satisfaction survey was sent" },
	{ "survey.answered", "survey", "a customer answered a survey" },
};
const int event_types_count = (int)(sizeof event_types / sizeof event_types[0]);

int event_type_known(const char *name)
{
	for (int i = 0; name && i < event_types_count; i++)
		if (strcmp(event_types[i].name, name) == 0)
			return 1;
	return 0;
}
