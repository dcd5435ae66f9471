/*
 * api_logistics.h - handlers of orders, shipments, tracking, imports.
 */
#ifndef KF_API_LOGISTICS_H
#define KF_API_LOGISTICS_H

#include "http/http.h"

int api_orders_list(struct req *req, struct resp *resp);
int api_orders_create(struct req *req, struct resp *resp);
int api_orders_get(struct req *req, struct resp *resp);
int api_orders_update(struct req *req, struct resp *resp);
int api_shipments_create(struct req *req, struct resp *resp);
int api_shipments_get(struct req *req, struct resp *resp);
int api_shipments_update(struct req *req, struct resp *resp);
int api_shipments_event(struct req *req, struct resp *resp);
int api_delay_notices_list(struct req *req, struct resp *resp);
int api_delay_notices_done(struct req *req, struct resp *resp);
int api_imports_run(struct req *req, struct resp *resp);
int api_track(struct req *req, struct resp *resp);

#endif
