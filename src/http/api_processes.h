/*
 * api_processes.h - handlers of the complaint, return and claim processes.
 */
#ifndef KF_API_PROCESSES_H
#define KF_API_PROCESSES_H

#include "http/http.h"

#endif
