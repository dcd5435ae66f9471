/*
 * api_search.h - handlers of full-text search and saved views.
 */
#ifndef KF_API_SEARCH_H
#define KF_API_SEARCH_H

#include "http/http.h"

int api_search(struct req *req, struct resp *resp);
int api_views_list(struct req *req, struct resp *resp);
int api_views_create(struct req *req, struct resp *resp);
int api_views_get(struct req *req, struct resp *resp);
int api_views_update(struct req *req, struct resp *resp);
int api_views_delete(struct req *req, struct resp *resp);

#endif
