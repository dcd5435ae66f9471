/*
 * main.c - kefu's entry point: the table of subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "app/wiring.h"
#include "cli/cli.h"

const struct cli_cmd cli_commands[] = {
	/* name          run              usage                                          about */
	{ "init", cmd_init, "kefu init [--db URL] [--admin NAME]",
	  "Create the database, apply the migrations and create the first admin; the generated password is printed once." },
	{ "serve", cmd_serve, "kefu serve [--addr A] [--port P] [--db URL] [--workers N]",
	  "Serve the web UI and the API until SIGTERM or SIGINT; in-flight requests finish first." },
	{ "user", cmd_user, "kefu user add NAME --role ROLE | list | passwd NAME | disable NAME | enable NAME",
	  "Manage staff users (roles: admin, manager, agent, crm, analyst)." },
	{ "portal", cmd_portal, "kefu portal add LOGIN [--name NAME] [--password-stdin]",
	  "Manage customer portal accounts." },
	{ "customer", cmd_customer, "kefu customer show|export|erase ID",
	  "Customer records: show one, export all of one customer's data as JSON, or erase (anonymise) it." },
	{ "import", cmd_import, "kefu import customers|orders|shipments|events FILE [--skip-bad]",
	  "Import CSV or JSON lines, streaming; all-or-nothing unless --skip-bad." },
	{ "ticket", cmd_ticket, "kefu ticket list|show|create|reply|note|transition ...",
	  "Work tickets from the command line." },
	{ "order", cmd_order, "kefu order show NUMBER|ID [--json] | list --customer ID [--json]",
	  "Shop orders: one with its lines and shipments, or a customer's orders." },
	{ "track", cmd_track, "kefu track TRACKING_NUMBER [--json]",
	  "The public tracking view of a shipment: status, route, ETA and events." },
	{ "sla", cmd_sla,
	  "kefu sla preview [--type T] [--priority P] [--tier A|B|C] [--at ISO8601|UTCSECONDS] [--json]",
	  "Which SLA policy applies to a contact arriving at a time, and its due times." },
	{ "calendar", cmd_calendar,
	  "kefu calendar list [--json] | holiday add CAL_ID YYYY-MM-DD [--name N] [--workday] | holiday remove CAL_ID HOLIDAY_ID",
	  "Business calendars and their holidays and make-up workdays." },
	{ "complaint", cmd_complaint, "kefu complaint show TICKET_ID [--json]",
	  "The complaint process of a complaint ticket: its step and what was recorded." },
	{ "return", cmd_return, "kefu return show TICKET_ID [--json]",
	  "The return authorisation of a return ticket: lines, status, inspection, refund." },
	{ "claim", cmd_claim, "kefu claim show TICKET_ID [--json]",
	  "The claim of a claim ticket: shipment, kind, value, decision and payout." },
	{ "search", cmd_search,
	  "kefu search QUERY [--kind ticket|message|customer|order] [--limit N] [--json] | --reindex",
	  "Full-text search across tickets, messages, customers and orders, Chinese and English; --reindex "
	  "rebuilds the index." },
	{ "report", cmd_report,
	  "kefu report list | NAME [--from D] [--to D] [--by X] [--tz Z] [--opt K=V]... [--format table|csv|json]",
	  "Run a report (quality, service level, customer value) for a period; see kefu report list." },
	{ "quote", cmd_quote,
	  "kefu quote --card ID|--card-file FILE --weight-g N --to-postcode P [...] [--store] | elasticity P0 Q0 P1 Q1 | newsvendor --price P --cost C --salvage V --mean M --sd S",
	  "Price a shipment and goods against a rate card (with terms, discounts, basing points); price elasticity; the newsvendor service level." },
	{ "ratecard", cmd_ratecard, "kefu ratecard import NAME FILE | check FILE | list | export ID",
	  "Freight rate cards: import from CSV (refused with the line and reason), check a file, list, export." },
	{ "analytics", cmd_analytics, "kefu analytics recompute [--a 0.80] [--b 0.15] [--dry-run] [--progress]",
	  "Recompute customer value now: RFM, ABC (-> tier), loyalty and lifecycle stage of every customer." },
	{ "mail", cmd_mail, "kefu mail receive [--url URL] [--token-file FILE] [--mailbox ID]",
	  "Hand one raw mail on standard input to a running kefu (for the MTA's pipe)." },
	{ "events", cmd_events, "kefu events consumers | dead | retry CONSUMER SEQ",
	  "The event stream's durable consumers (cursor, lag, failures) and the events parked dead, as JSON; retry puts one back." },
	{ "demo", cmd_demo, "kefu demo --customers N [--seed S] [--db URL]",
	  "Fill a freshly initialised database with realistic bilingual demo data (deterministic per seed)." },
	{ "migrate", cmd_migrate, "kefu migrate [--check]",
	  "Apply pending database migrations (or only report them)." },
	{ "backup", cmd_backup, "kefu backup DEST", "Write a consistent copy of the database to DEST, online." },
	{ "version", cmd_version, "kefu version", "Print the version." },
	{ "permissions", cmd_permissions, "kefu permissions",
	  "Print the permission table (permission -> roles)." },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "kefu (客服) - customer service and CRM server\n\nusage: kefu <command> [options]\n\n");
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->about);
	fprintf(f, "\nkefu <command> --help shows a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv + 1);
	wiring_install(); /* listeners and job kinds, before any command touches the store */
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "kefu: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
