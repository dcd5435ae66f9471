/*
 * api_customers.h - handlers of customers (CRM): profiles, identities,
 * addresses, preferences, tags, consents, timeline, export, erasure
 * (api_customers.c; routes in routes_customers.inc).
 */
#ifndef KF_API_CUSTOMERS_H
#define KF_API_CUSTOMERS_H

#include "http/http.h"

int api_customers_list(struct req *req, struct resp *resp);
int api_customers_create(struct req *req, struct resp *resp);
int api_customers_get(struct req *req, struct resp *resp);
int api_customers_update(struct req *req, struct resp *resp);
int api_customer_identity_add(struct req *req, struct resp *resp);
int api_customer_identity_remove(struct req *req, struct resp *resp);
int api_customer_address_add(struct req *req, struct resp *resp);
int api_customer_address_update(struct req *req, struct resp *resp);
int api_customer_address_remove(struct req *req, struct resp *resp);
int api_customer_pref_set(struct req *req, struct resp *resp);
int api_customer_pref_remove(struct req *req, struct resp *resp);
int api_customer_tag_add(struct req *req, struct resp *resp);
int api_customer_tag_remove(struct req *req, struct resp *resp);
int api_customer_consent_add(struct req *req, struct resp *resp);
int api_customer_timeline(struct req *req, struct resp *resp);
int api_customer_export(struct req *req, struct resp *resp);
int api_customer_erase(struct req *req, struct resp *resp);

#endif
