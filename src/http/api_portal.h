/*
 * api_portal.h - handlers of the customer portal (http/api_portal.c):
 * a signed-in customer's own orders, tickets, messages, files, return
 * requests and complaint confirmations.
 */
#ifndef KF_API_PORTAL_H
#define KF_API_PORTAL_H

#include "http/http.h"

int api_portal_orders(struct req *req, struct resp *resp);
int api_portal_order(struct req *req, struct resp *resp);
int api_portal_tickets(struct req *req, struct resp *resp);
int api_portal_ticket(struct req *req, struct resp *resp);
int api_portal_ticket_create(struct req *req, struct resp *resp);
int api_portal_ticket_message(struct req *req, struct resp *resp);
int api_portal_ticket_attach(struct req *req, struct resp *resp);
int api_portal_attachment(struct req *req, struct resp *resp);
int api_portal_ticket_confirm(struct req *req, struct resp *resp);
int api_portal_return_create(struct req *req, struct resp *resp);
/* Staff: give a customer a portal account (api_customers.c's neighbour). */
int api_customer_portal_account(struct req *req, struct resp *resp);

#endif
