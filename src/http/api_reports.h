/*
 * api_reports.h - handlers of the reports API (list, run as JSON or CSV)
 * and of improvement actions.
 */
#ifndef KF_API_REPORTS_H
#define KF_API_REPORTS_H

#include "http/http.h"

int api_reports_list(struct req *req, struct resp *resp);
int api_reports_run(struct req *req, struct resp *resp);

/* api_improvement.c */
int api_improvement_list(struct req *req, struct resp *resp);
int api_improvement_get(struct req *req, struct resp *resp);
int api_improvement_create(struct req *req, struct resp *resp);
int api_improvement_update(struct req *req, struct resp *resp);
int api_improvement_delete(struct req *req, struct resp *resp);

#endif
