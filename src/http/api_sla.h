/*
 * api_sla.h - handlers of business calendars, SLA policies, teams, routing, follow-up and care.
 */
#ifndef KF_API_SLA_H
#define KF_API_SLA_H

#include "http/http.h"

#endif
