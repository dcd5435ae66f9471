/*
 * api_customers.h - handlers of customers (CRM): profiles, identities, consents, timeline, export, erasure.
 */
#ifndef KF_API_CUSTOMERS_H
#define KF_API_CUSTOMERS_H

#include "http/http.h"

#endif
