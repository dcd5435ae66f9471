/*
 * api_tickets.h - handlers of tickets, conversation, complaints, returns, claims.
 */
#ifndef KF_API_TICKETS_H
#define KF_API_TICKETS_H

#include "http/http.h"

#endif
