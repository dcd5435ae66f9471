/*
 * api_mailboxes.h - the IMAP mailboxes kefu fetches (channels/mailbox.h,
 * channels/mail_fetch.h): list, create, read, change, delete, test the
 * connection, fetch now.  All need mail.admin.
 */
#ifndef KF_API_MAILBOXES_H
#define KF_API_MAILBOXES_H

#include "http/http.h"

int api_mailboxes_list(struct req *req, struct resp *resp);
int api_mailboxes_create(struct req *req, struct resp *resp);
int api_mailboxes_get(struct req *req, struct resp *resp);
int api_mailboxes_update(struct req *req, struct resp *resp);
int api_mailboxes_delete(struct req *req, struct resp *resp);
int api_mailboxes_test(struct req *req, struct resp *resp);
int api_mailboxes_fetch(struct req *req, struct resp *resp);

#endif
