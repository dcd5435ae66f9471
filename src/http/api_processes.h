/*
 * api_processes.h - handlers of the complaint, return and claim processes
 * (http/api_processes.c over desk/complaint.h, returns.h, claims.h).
 */
#ifndef KF_API_PROCESSES_H
#define KF_API_PROCESSES_H

#include <stddef.h>

#include "desk/returns.h"
#include "http/http.h"

/* The "lines" of a return request: 1..RETURN_LINES_MAX {order_line_id, quantity}. */
int api_return_lines(json_t *arr, struct return_line_input *lines, size_t *n, struct kf_error *err);

int api_complaint_get(struct req *req, struct resp *resp);
int api_complaint_update(struct req *req, struct resp *resp);
int api_complaint_advance(struct req *req, struct resp *resp);
int api_return_create(struct req *req, struct resp *resp);
int api_return_get(struct req *req, struct resp *resp);
int api_return_update(struct req *req, struct resp *resp);
int api_return_advance(struct req *req, struct resp *resp);
int api_claim_create(struct req *req, struct resp *resp);
int api_claim_get(struct req *req, struct resp *resp);
int api_claim_update(struct req *req, struct resp *resp);
int api_claim_decide(struct req *req, struct resp *resp);

#endif
