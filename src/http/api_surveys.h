/*
 * api_surveys.h - handlers of satisfaction surveys: the public form and
 * answer (no sign-in; the link's token is the credential), the signed-in
 * customer's open surveys in the portal, and the staff list of responses.
 */
#ifndef KF_API_SURVEYS_H
#define KF_API_SURVEYS_H

#include "http/http.h"

int api_survey_form(struct req *req, struct resp *resp);
int api_survey_answer(struct req *req, struct resp *resp);
int api_surveys_list(struct req *req, struct resp *resp);
int api_portal_surveys(struct req *req, struct resp *resp);
int api_portal_survey_link(struct req *req, struct resp *resp);

#endif
