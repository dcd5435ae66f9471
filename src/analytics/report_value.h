/*
 * report_value.h - the customer-value reports (report_value.c): rfm, abc,
 * loyalty and lifecycle.  Each reads the customer_value snapshot when no
 * period is asked and the latest recompute is fresh (VALUE_FRESH_S) and
 * used the ABC thresholds asked for; otherwise it computes from the orders
 * of the period [from, to) with now = min(to, the report's now).  The note
 * under each table says which.
 */
#ifndef KF_REPORT_VALUE_H
#define KF_REPORT_VALUE_H

#include "analytics/report.h"

extern const struct report_def report_rfm;
extern const struct report_def report_abc;
extern const struct report_def report_loyalty;
extern const struct report_def report_lifecycle;

#endif
