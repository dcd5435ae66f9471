/*
 * rbac.h - roles and the one permission table (permission -> roles).
 * Every route names a permission; http/dispatch.c asks rbac_allows()
 * before running it.  docs/permissions.md is generated from this table
 * by `kefu permissions`.
 */
#ifndef KF_RBAC_H
#define KF_RBAC_H

#include <stddef.h>

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN, /* 系统管理员: users, teams, policies, settings */
	ROLE_MANAGER, /* 客户服务经理: queues, SLAs, escalations, dashboards */
	ROLE_AGENT, /* 客户服务专员: inquiries, complaints, returns, claims */
	ROLE_CRM, /* 客户关系管理专员: customer records, follow-up, care */
	ROLE_ANALYST, /* 数据分析师: reports, read-only */
	ROLE_COUNT
};

enum perm {
	PERM_NONE = 0,
	PERM_SELF, /* read one's own account, manage one's own tokens */
	PERM_USER_READ, /* list and read staff accounts */
	PERM_USER_WRITE, /* create, change, disable staff accounts */
	PERM_AUDIT_READ, /* read the audit log */
	PERM_PII_READ, /* see unmasked personal data */
	PERM_METRICS_READ, /* operational metrics */
	PERM_CUSTOMER_READ, /* read customer records (masked without pii.read) */
	PERM_CUSTOMER_WRITE, /* create and change customer records */
	PERM_CUSTOMER_PRIVACY, /* export and erase one customer's data */
	PERM_ORDER_READ, /* read orders and shipments */
	PERM_ORDER_WRITE, /* create and change orders, shipments, tracking events */
	PERM_IMPORT, /* bulk imports */
	PERM_TICKET_READ, /* read tickets and their conversation */
	PERM_TICKET_WRITE, /* create tickets, reply, note, change state */
	PERM_TICKET_MANAGE, /* merge, reassign any ticket, override return windows and payout caps */
	PERM_DESK_ADMIN, /* SLA policies, calendars, teams, categories, canned replies */
	PERM_REPORT_READ, /* run reports (quality, service level, customer value) and export them */
	PERM_EVENTS_MANAGE, /* see durable event consumers and retry dead events */
	PERM_MAIL_ADMIN, /* mailboxes, the relay, mail templates, bounces, the inbound token */
	PERM_COUNT
};

struct perm_info {
	enum perm perm; /* the permission */
	const char *name; /* dotted name, e.g. "user.write" */
	unsigned roles; /* bit (1 << role) for each role that has it */
	const char *about; /* one line for docs */
};

int rbac_allows(enum role role, enum perm perm);
const char *role_name(enum role role);
/* ROLE_NONE for an unknown name. */
enum role role_parse(const char *name);
const char *perm_name(enum perm perm);
/* The whole table, for docs and tests. */
const struct perm_info *rbac_table(size_t *n);

#endif
