/*
 * api_mail_out.h - the HTTP face of outgoing mail (routes_mail_out.inc):
 * the mail settings and the relay test, the mail templates with their
 * preview, and retrying an outgoing mail.
 */
#ifndef KF_API_MAIL_OUT_H
#define KF_API_MAIL_OUT_H

#include "http/http.h"

int api_mail_settings_get(struct req *req, struct resp *resp);
int api_mail_settings_patch(struct req *req, struct resp *resp);
int api_mail_settings_test(struct req *req, struct resp *resp);
int api_mail_templates_list(struct req *req, struct resp *resp);
int api_mail_template_put(struct req *req, struct resp *resp);
int api_mail_template_delete(struct req *req, struct resp *resp);
int api_mail_template_preview(struct req *req, struct resp *resp);
int api_mail_retry(struct req *req, struct resp *resp);

#endif
