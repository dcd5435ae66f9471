/*
 * rbac.c - see rbac.h.  The table is the single source of who may do
 * what; a unit test checks it covers every enum perm exactly once.
 */
#include "auth/rbac.h"

#include <string.h>

#define R(role) (1u << (role))
#define ALL_STAFF (R(ROLE_ADMIN) | R(ROLE_MANAGER) | R(ROLE_AGENT) | R(ROLE_CRM) | R(ROLE_ANALYST))

static const struct perm_info perms[] = {
	{ PERM_SELF, "self", ALL_STAFF, "read one's own account; manage one's own API tokens" },
	{ PERM_USER_READ, "user.read", R(ROLE_ADMIN) | R(ROLE_MANAGER), "list and read staff accounts" },
	{ PERM_USER_WRITE, "user.write", R(ROLE_ADMIN), "create, change and disable staff accounts" },
	{ PERM_AUDIT_READ, "audit.read", R(ROLE_ADMIN) | R(ROLE_MANAGER), "read the audit log" },
	{ PERM_PII_READ, "pii.read", R(ROLE_ADMIN) | R(ROLE_MANAGER) | R(ROLE_AGENT) | R(ROLE_CRM),
	  "see customers' phone, email and address unmasked" },
	{ PERM_METRICS_READ, "metrics.read", R(ROLE_ADMIN) | R(ROLE_MANAGER) | R(ROLE_ANALYST),
	  "read operational metrics" },
	{ PERM_CUSTOMER_READ, "customer.read", ALL_STAFF, "read customer records (masked without pii.read)" },
	{ PERM_CUSTOMER_WRITE, "customer.write", R(ROLE_ADMIN) | R(ROLE_MANAGER) | R(ROLE_AGENT) | R(ROLE_CRM),
	  "create and change customer records" },
	{ PERM_CUSTOMER_PRIVACY, "customer.privacy", R(ROLE_ADMIN) | R(ROLE_CRM),
	  "export and erase one customer's personal data" },
	{ PERM_ORDER_READ, "order.read", ALL_STAFF, "read orders, shipments and tracking" },
	{ PERM_ORDER_WRITE, "order.write", R(ROLE_ADMIN) | R(ROLE_MANAGER) | R(ROLE_AGENT),
	  "create and change orders, shipments and tracking events" },
	{ PERM_IMPORT, "import", R(ROLE_ADMIN) | R(ROLE_MANAGER),
	  "bulk imports of customers, orders, shipments" },
	{ PERM_TICKET_READ, "ticket.read", ALL_STAFF, "read tickets and their conversation" },
	{ PERM_TICKET_WRITE, "ticket.write", R(ROLE_ADMIN) | R(ROLE_MANAGER) | R(ROLE_AGENT) | R(ROLE_CRM),
	  "create tickets, reply, add notes, change state" },
	{ PERM_TICKET_MANAGE, "ticket.manage", R(ROLE_ADMIN) | R(ROLE_MANAGER),
	  "merge, reassign, override return windows and payout caps" },
	{ PERM_DESK_ADMIN, "desk.admin", R(ROLE_ADMIN) | R(ROLE_MANAGER),
	  "SLA policies, business calendars, teams, categories, canned replies" },
	{ PERM_REPORT_READ, "report.read", R(ROLE_ADMIN) | R(ROLE_MANAGER) | R(ROLE_ANALYST) | R(ROLE_CRM),
	  "run reports and export them as CSV; improvement actions" },
	{ PERM_EVENTS_MANAGE, "events.manage", R(ROLE_ADMIN),
	  "see the event stream's consumers and retry events parked dead" },
	{ PERM_MAIL_ADMIN, "mail.admin", R(ROLE_ADMIN),
	  "mailboxes, the outgoing relay, mail templates, bouncing addresses, the inbound mail token" },
};

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_NONE] = "none",   [ROLE_ADMIN] = "admin", [ROLE_MANAGER] = "manager",
	[ROLE_AGENT] = "agent", [ROLE_CRM] = "crm",     [ROLE_ANALYST] = "analyst",
};

static const struct perm_info *perm_find(enum perm perm)
{
	for (size_t i = 0; i < sizeof(perms) / sizeof(perms[0]); i++)
		if (perms[i].perm == perm)
			return &perms[i];
	return NULL;
}

int rbac_allows(enum role role, enum perm perm)
{
	const struct perm_info *p = perm_find(perm);
	if (!p || role <= ROLE_NONE || role >= ROLE_COUNT)
		return 0;
	return (p->roles & R(role)) != 0;
}

const char *role_name(enum role role)
{
	return role > ROLE_NONE && role < ROLE_COUNT ? role_names[role] : "none";
}

enum role role_parse(const char *name)
{
	for (int r = ROLE_ADMIN; name && r < ROLE_COUNT; r++)
		if (strcmp(role_names[r], name) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

const char *perm_name(enum perm perm)
{
	const struct perm_info *p = perm_find(perm);
	return p ? p->name : "none";
}

const struct perm_info *rbac_table(size_t *n)
{
	*n = sizeof(perms) / sizeof(perms[0]);
	return perms;
}
