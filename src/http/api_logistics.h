/*
 * api_logistics.h - handlers of orders, shipments, tracking, imports.
 */
#ifndef KF_API_LOGISTICS_H
#define KF_API_LOGISTICS_H

#include "http/http.h"

#endif
