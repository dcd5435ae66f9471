/*
 * api_sla.h - handlers of business calendars, SLA policies, teams, routing, follow-up and care.
 */
#ifndef KF_API_SLA_H
#define KF_API_SLA_H

#include "http/http.h"

int api_calendars_list(struct req *req, struct resp *resp);
int api_calendars_create(struct req *req, struct resp *resp);
int api_calendars_get(struct req *req, struct resp *resp);
int api_calendars_update(struct req *req, struct resp *resp);
int api_calendars_delete(struct req *req, struct resp *resp);
int api_calendar_holidays_add(struct req *req, struct resp *resp);
int api_calendar_holidays_delete(struct req *req, struct resp *resp);

int api_sla_policies_list(struct req *req, struct resp *resp);
int api_sla_policies_create(struct req *req, struct resp *resp);
int api_sla_policies_get(struct req *req, struct resp *resp);
int api_sla_policies_update(struct req *req, struct resp *resp);
int api_sla_policies_delete(struct req *req, struct resp *resp);
int api_sla_preview(struct req *req, struct resp *resp);
int api_ticket_sla(struct req *req, struct resp *resp);

int api_teams_list(struct req *req, struct resp *resp);
int api_teams_create(struct req *req, struct resp *resp);
int api_teams_get(struct req *req, struct resp *resp);
int api_teams_update(struct req *req, struct resp *resp);
int api_teams_delete(struct req *req, struct resp *resp);
int api_team_members_put(struct req *req, struct resp *resp);
int api_settings_get(struct req *req, struct resp *resp);
int api_settings_put(struct req *req, struct resp *resp);
int api_team_members_delete(struct req *req, struct resp *resp);

int api_notifications_list(struct req *req, struct resp *resp);
int api_notifications_read(struct req *req, struct resp *resp);
int api_followups_list(struct req *req, struct resp *resp);
int api_followup_outcome(struct req *req, struct resp *resp);

#endif
