/*
 * api_pricing.h - HTTP handlers of rate cards, the price policy, contract
 * rates and quotes (pricing/ratecard_store.h, price_policy.h,
 * contract_rate.h, quote_store.h; routes_pricing.inc).
 */
#ifndef KF_API_PRICING_H
#define KF_API_PRICING_H

struct req;
struct resp;

int api_ratecards_list(struct req *req, struct resp *resp);
int api_ratecards_create(struct req *req, struct resp *resp);
int api_ratecards_get(struct req *req, struct resp *resp);
int api_ratecards_replace(struct req *req, struct resp *resp);
int api_ratecards_retire(struct req *req, struct resp *resp);
int api_price_policy_get(struct req *req, struct resp *resp);
int api_price_policy_put(struct req *req, struct resp *resp);
int api_contract_rate_get(struct req *req, struct resp *resp);
int api_contract_rate_put(struct req *req, struct resp *resp);
int api_quotes_create(struct req *req, struct resp *resp);
int api_quotes_preview(struct req *req, struct resp *resp);
int api_quotes_get(struct req *req, struct resp *resp);
int api_ticket_quotes(struct req *req, struct resp *resp);
int api_order_quotes(struct req *req, struct resp *resp);

#endif
