/*
 * api_mail.h - handlers of the inbound e-mail channel: receiving a raw
 * mail (the MTA pipe's `kefu mail receive`, or an admin), the inbound
 * token, a ticket's mails and participants, a mail's original and HTML,
 * the admins' mail log and the bouncing addresses.
 */
#ifndef KF_API_MAIL_H
#define KF_API_MAIL_H

#include "http/http.h"

int api_mail_inbound(struct req *req, struct resp *resp);
int api_mail_inbound_token(struct req *req, struct resp *resp);
int api_mail_ticket_list(struct req *req, struct resp *resp);
int api_mail_raw(struct req *req, struct resp *resp);
int api_mail_html(struct req *req, struct resp *resp);
int api_mail_messages(struct req *req, struct resp *resp);
int api_mail_participants_list(struct req *req, struct resp *resp);
int api_mail_participants_add(struct req *req, struct resp *resp);
int api_mail_participants_remove(struct req *req, struct resp *resp);
int api_mail_bounces_list(struct req *req, struct resp *resp);
int api_mail_bounces_remove(struct req *req, struct resp *resp);

#endif
