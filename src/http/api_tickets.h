/*
 * api_tickets.h - handlers of tickets and their conversation
 * (api_tickets.c, api_ticket_extras.c, api_ticket_files.c).
 */
#ifndef KF_API_TICKETS_H
#define KF_API_TICKETS_H

#include "http/http.h"

/* api_tickets.c */
int api_tickets_list(struct req *req, struct resp *resp);
int api_tickets_create(struct req *req, struct resp *resp);
int api_tickets_counts(struct req *req, struct resp *resp);
int api_tickets_get(struct req *req, struct resp *resp);
int api_tickets_update(struct req *req, struct resp *resp);
int api_tickets_transition(struct req *req, struct resp *resp);
int api_tickets_reply(struct req *req, struct resp *resp);
int api_tickets_note(struct req *req, struct resp *resp);
int api_tickets_customer_message(struct req *req, struct resp *resp);
int api_tickets_messages(struct req *req, struct resp *resp);
int api_tickets_events(struct req *req, struct resp *resp);

/* api_ticket_extras.c */
int api_categories_list(struct req *req, struct resp *resp);
int api_categories_create(struct req *req, struct resp *resp);
int api_categories_update(struct req *req, struct resp *resp);
int api_tickets_merge(struct req *req, struct resp *resp);
int api_tickets_links(struct req *req, struct resp *resp);
int api_tickets_link(struct req *req, struct resp *resp);
int api_tickets_unlink(struct req *req, struct resp *resp);
int api_canned_list(struct req *req, struct resp *resp);
int api_canned_create(struct req *req, struct resp *resp);
int api_canned_update(struct req *req, struct resp *resp);
int api_canned_delete(struct req *req, struct resp *resp);
int api_canned_render(struct req *req, struct resp *resp);

/* api_ticket_files.c */
int api_attachments_upload(struct req *req, struct resp *resp);
int api_attachments_list(struct req *req, struct resp *resp);
int api_attachments_get(struct req *req, struct resp *resp);
/* Send attachment :id; customer_id > 0: only if its ticket is that customer's (else 404). */
int api_attachment_send(struct req *req, struct resp *resp, int64_t customer_id);

#endif
