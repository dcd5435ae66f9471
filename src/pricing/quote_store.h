/*
 * quote_store.h - pricing quote requests and the stored quotes
 * (PRODUCT.md P1, P2).
 *
 * A quote request (docs/openapi/80-pricing.json) is priced by quote.c with
 * the policy and the customer's contract rate, and answered as JSON with
 * every line labelled in Chinese and English, the weights, the zone, the
 * transit estimate in business days (the default business calendar) and
 * the terms; stored quotes keep request and answer as given.
 *
 * The request body is parsed at the edge (http/api_pricing.c) into struct
 * quote_request; the CLI builds the struct itself.  The checks are
 * repeated here with the same codes, messages and fields.
 */
#ifndef KF_QUOTE_STORE_H
#define KF_QUOTE_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "pricing/quote.h"

struct db;

#define QUOTE_WEIGHT_UNSET (-1) /* quote_request.req.weight_g not given: "required" */

struct quote_request {
	/* the parcel, goods, destination, terms and time; req.postcode and
	 * req.region (NULL = none) are borrowed; req.contract_bp is ignored
	 * (the customer's contract rate is read); req.at is the quote time */
	struct quote_req req;
	int64_t card_id; /* the rate card, or 0 with basing points */
	size_t npoints; /* basing-point pricing: 1..QUOTE_MAX_BASING cards, else 0 */
	int64_t point_ids[QUOTE_MAX_BASING];
	int64_t actual_id; /* with basing: the card of the plant that ships */
	int64_t customer_id, ticket_id, order_id; /* 0 = none */
	/* The request as received (compact JSON text), stored verbatim in
	 * quotes.request; NULL: rendered from the struct. */
	const char *as_received;
};

/* Price a request; store it when store is set (attached to the ticket,
 * order or customer it names).  *out is the answer (with "id" when stored). */
int quote_store_price(struct db *db, const struct actor *a, int64_t now, const struct quote_request *in,
                      int store, json_t **out, struct kf_error *err);
int quote_store_get(struct db *db, int64_t id, json_t **out, struct kf_error *err);
/* Quotes of a ticket (kind "ticket"), order or customer, newest first. */
int quote_store_list_for(struct db *db, const char *kind, int64_t id, json_t **items, struct kf_error *err);

/* Drop the default-calendar cache (tests). */
void quote_store_cache_clear(void);

#endif
