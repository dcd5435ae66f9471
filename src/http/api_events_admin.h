/*
 * api_events_admin.h - the durable consumers for admins: their cursors and
 * lag, the dead events, and the retry action (events/consumer.h).
 */
#ifndef KF_API_EVENTS_ADMIN_H
#define KF_API_EVENTS_ADMIN_H

#include "http/http.h"

int api_events_admin_consumers(struct req *req, struct resp *resp);
int api_events_admin_dead(struct req *req, struct resp *resp);
int api_events_admin_retry(struct req *req, struct resp *resp);

#endif
