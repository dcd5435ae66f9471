/*
 * demo_desk.c - the desk a demo data set works on: SLA policies by type
 * x priority x tier (beside the seeded sunset rule), a dozen canned
 * replies in Chinese and English, the care team; and each demo ticket's
 * SLA clocks, computed with desk/sla.c's arithmetic on the policy's
 * calendar exactly as desk/sla_clock.c keeps them for a live ticket.
 * The policies and replies go in through their domain calls (audited,
 * like an administrator's); the clocks are bulk rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/xalloc.h"
#include "demo/demo_int.h"
#include "desk/calendar.h"
#include "desk/canned.h"
#include "desk/calendar_store.h"
#include "desk/desk_settings.h"
#include "desk/sla_policy.h"
#include "desk/sla.h"
#include "store/db.h"

#define BDAY (9 * 3600) /* a business day of the seeded calendar, 09:00-18:00 */

struct demo_policy {
	const char *name, *type, *priority, *tier;
	int64_t first_s, next_s, resolution_s;
	int sunset, rank;
};

/* The policies a small shop's desk would set; the seeded sunset rule covers the rest. */
static const struct demo_policy policies[] = {
	{ "紧急工单 / Urgent tickets", NULL, "urgent", NULL, 2 * 3600, 2 * 3600, BDAY, 0, 5 },
	{ "VIP投诉 / VIP complaints", "complaint", NULL, "A", 4 * 3600, 4 * 3600, 2 * BDAY, 0, 10 },
	{ "投诉 / Complaints", "complaint", NULL, NULL, 8 * 3600, 8 * 3600, 3 * BDAY, 0, 20 },
	{ "退换货 / Returns", "return", NULL, NULL, 8 * 3600, 8 * 3600, 4 * BDAY, 0, 30 },
	{ "理赔 / Claims", "claim", NULL, NULL, 8 * 3600, 8 * 3600, 5 * BDAY, 0, 30 },
	{ "VIP客户 / VIP customers", NULL, NULL, "A", 0, 0, 3 * BDAY, 1, 40 },
	{ "回访 / Follow-up calls", "follow_up", NULL, NULL, 0, 0, 2 * BDAY, 0, 50 },
	{ "客户关怀 / Care calls", "care", NULL, NULL, 0, 0, 5 * BDAY, 0, 50 },
};

struct demo_canned {
	const char *title, *body, *lang;
	int category_id;
};

/* Twelve replies, each in Chinese and in English. */
static const struct demo_canned replies[] = {
	{ "包裹延误致歉",
	  "{{customer.name}}您好，非常抱歉您的订单{{order.number}}配送延误了。运单{{shipment.tracking_number}}目前仍在途中，我们已联系承运商加急处理，有新进展会第一时间通知您。",
	  "zh", 6 },
	{ "Parcel delayed",
	  "Hello {{customer.name}}, we are sorry that order {{order.number}} is late. Parcel {{shipment.tracking_number}} is still on its way; we have asked the carrier to speed it up and will tell you as soon as it moves.",
	  "en", 6 },
	{ "商品破损处理",
	  "{{customer.name}}您好，收到破损商品给您添麻烦了。请在本工单上传外包装和商品破损处的照片，我们核实后为您免费补发或全额退款，无需您承担运费。",
	  "zh", 9 },
	{ "Damaged item",
	  "Hello {{customer.name}}, we are sorry the item arrived damaged. Please attach photos of the box and the damage to this ticket; once checked we send a free replacement or refund in full, shipping on us.",
	  "en", 9 },
	{ "退货说明",
	  "{{customer.name}}您好，订单{{order.number}}签收7天内可无理由退货：请保持商品完好、吊牌齐全，在“我的订单”中提交退货申请，审核通过后按页面提示寄回即可。",
	  "zh", 19 },
	{ "How to return",
	  "Hello {{customer.name}}, you can return order {{order.number}} within 7 days of delivery: keep the item unused with its tags, request the return under My orders, and once it is approved send it back as the page shows.",
	  "en", 19 },
	{ "退款到账时间",
	  "{{customer.name}}您好，退货验收通过后我们会在1个工作日内发起退款，原路退回：支付宝、微信一般1-3个工作日到账，银行卡3-7个工作日到账。",
	  "zh", 21 },
	{ "Refund timing",
	  "Hello {{customer.name}}, once the returned item passes inspection we issue the refund within one business day to the original payment method: Alipay and WeChat Pay take 1-3 business days, bank cards 3-7.",
	  "en", 21 },
	{ "修改收货地址",
	  "{{customer.name}}您好，订单{{order.number}}尚未发货时可以修改地址，请回复新的收货人、电话和详细地址；如已发货，我们会联系承运商尝试改派，但无法保证成功。",
	  "zh", 23 },
	{ "Address change",
	  "Hello {{customer.name}}, the address of order {{order.number}} can be changed until it ships: reply with the new recipient, phone and full address. If it has shipped we ask the carrier to redirect it, which may not succeed.",
	  "en", 23 },
	{ "物流查询",
	  "{{customer.name}}您好，您的运单号是{{shipment.tracking_number}}，可在本站“物流查询”页面查看最新轨迹。如3天内没有更新，请回复本工单，我们帮您向承运商核查。",
	  "zh", 25 },
	{ "Tracking your parcel",
	  "Hello {{customer.name}}, your tracking number is {{shipment.tracking_number}}; the tracking page shows its latest scans. If nothing changes for 3 days, reply here and we will check with the carrier.",
	  "en", 25 },
	{ "换货流程",
	  "{{customer.name}}您好，换货请在“我的订单”中选择换货并注明尺码或颜色，我们收到退回商品并验收后2个工作日内发出新商品。",
	  "zh", 20 },
	{ "Exchanges",
	  "Hello {{customer.name}}, to exchange, choose Exchange under My orders and give the size or colour you want; we ship the new item within 2 business days of receiving and checking the one you send back.",
	  "en", 20 },
	{ "发票开具",
	  "{{customer.name}}您好，订单{{order.number}}的电子发票会在确认收货后3个工作日内发送到您的邮箱。如需增值税专用发票，请回复单位名称、税号、地址电话和开户行账号。",
	  "zh", 17 },
	{ "Invoices",
	  "Hello {{customer.name}}, the e-invoice of order {{order.number}} is e-mailed within 3 business days of delivery. For a VAT special invoice, reply with the company name, tax number, address, phone and bank account.",
	  "en", 17 },
	{ "错发漏发",
	  "{{customer.name}}您好，给您发错（漏发）商品非常抱歉。请拍一张收到商品的照片发给我们，核实后立即为您补发正确商品，错发的商品我们会安排上门取回。",
	  "zh", 12 },
	{ "Wrong or missing item",
	  "Hello {{customer.name}}, we are sorry you received the wrong item (or not all of it). Send us a photo of what arrived; once checked we ship the right item at once and collect the wrong one from you.",
	  "en", 12 },
	{ "投诉受理确认",
	  "{{customer.name}}您好，您的投诉（工单{{ticket.number}}）已受理，我是负责跟进的客服{{agent.name}}。我们会在1个工作日内给您初步答复，调查结果出来后第一时间告知您。",
	  "zh", 0 },
	{ "Complaint received",
	  "Hello {{customer.name}}, your complaint (ticket {{ticket.number}}) is registered and I, {{agent.name}}, am following it up. You will hear from us within one business day, and as soon as our investigation is done.",
	  "en", 0 },
	{ "回访满意度",
	  "{{customer.name}}您好，我是客服{{agent.name}}。前几天您反映的问题（工单{{ticket.number}}）已处理完毕，想跟您确认一下：问题解决了吗？您对处理结果满意吗？",
	  "zh", 0 },
	{ "Follow-up check",
	  "Hello {{customer.name}}, this is {{agent.name}}. About the problem you reported (ticket {{ticket.number}}): is it solved, and are you satisfied with how we handled it?",
	  "en", 0 },
	{ "结束语", "感谢您的耐心，{{customer.name}}。如还有其他问题，直接回复本工单即可，祝您生活愉快！",
	  "zh", 0 },
	{ "Closing",
	  "Thank you for your patience, {{customer.name}}. If anything else comes up, just reply to this ticket. Have a good day!",
	  "en", 0 },
};

static struct db_sql q_setting = DB_SQL(
        "INSERT INTO desk_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");

static int add_policy(struct demo_gen *g, const struct actor *a, const struct demo_policy *p,
                      struct kf_error *err)
{
	int64_t id = 0;
	struct sla_policy_input in = {
		.present = SLA_POLICY_HAS_NAME | SLA_POLICY_HAS_FIRST_RESPONSE | SLA_POLICY_HAS_NEXT_RESPONSE |
		        SLA_POLICY_HAS_RESOLUTION | SLA_POLICY_HAS_SUNSET | SLA_POLICY_HAS_RANK,
		.name = p->name,
		.first_response_s = p->first_s,
		.next_response_s = p->next_s,
		.resolution_s = p->resolution_s,
		.sunset = p->sunset,
		.rank = p->rank,
		.ticket_type = p->type,
		.priority = p->priority,
		.customer_tier = p->tier,
	};
	in.present |= p->type ? SLA_POLICY_HAS_TICKET_TYPE : 0;
	in.present |= p->priority ? SLA_POLICY_HAS_PRIORITY : 0;
	in.present |= p->tier ? SLA_POLICY_HAS_CUSTOMER_TIER : 0;
	int rc = sla_policy_create(g->db, a, g->now, &in, &id, err);
	return rc;
}

static int add_replies(struct demo_gen *g, const struct actor *a, struct kf_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]) && rc == 0; i++) {
		json_t *out = NULL;
		rc = canned_create(g->db, a, g->now, replies[i].title, replies[i].body, replies[i].lang,
		                   replies[i].category_id, &out, err);
		json_decref(out);
	}
	return rc;
}

/* The policies as the clocks choose among them, the default calendar, the care settings. */
static int load_desk(struct demo_gen *g, struct kf_error *err)
{
	int64_t cal_id = desk_settings_get(g->db, "default_calendar_id", 1);
	g->policies = xcalloc(SLA_POLICY_MAX, sizeof(*g->policies));
	g->cal = xcalloc(1, sizeof(*g->cal));
	int rc = sla_policy_load_all(g->db, g->policies, SLA_POLICY_MAX, &g->npolicies, err);
	if (rc == 0)
		rc = calendar_store_load(g->db, cal_id, g->cal, err);
	for (int i = 0; rc == 0 && i < g->npolicies; i++)
		if (g->policies[i].calendar_id != cal_id)
			rc = kf_fail(err, KF_EINVAL, "invalid", "calendar_id",
			             "the demo's SLA policies all run on the default calendar");
	g->winback_days = desk_settings_get(g->db, "winback_days", 90);
	g->followup_days = desk_settings_get(g->db, "followup_days", 2);
	return rc;
}

int demo_desk_write(struct demo_gen *g, const struct actor *a, struct kf_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]) && rc == 0; i++)
		rc = add_policy(g, a, &policies[i], err);
	if (rc == 0)
		rc = add_replies(g, a, err);
	if (rc == 0) { /* care calls go to after-sales, not to whichever team comes first */
		int n = db_exec(g->db, &q_setting, DB_ARGS(db_text("care_team_id"), db_int(g->team_ids[1])),
		                err);
		rc = n < 0 ? n : 0;
	}
	return rc == 0 ? load_desk(g, err) : rc;
}

void demo_desk_free(struct demo_gen *g)
{
	free(g->policies);
	free(g->cal);
	g->policies = NULL;
	g->cal = NULL;
}

/* ---- the clocks ---- */

enum { K_FIRST, K_NEXT, K_RESOLVE, K_COUNT };

struct target {
	int64_t due, warn, done, warned, breached;
};

/*
 * What the jobs would have marked: the breach job fires at the due time
 * and the warning job at the 80 % instant while the target is open and
 * its clock runs, so a target met in time has neither mark, one met late
 * was breached at its due time, and an open one up to when its clock
 * stopped (the pause, the resolution) or "now".
 */
static void mark(const struct demo_gen *g, const struct demo_sla_facts *f, struct target *t)
{
	int64_t stop = f->paused_since ? f->paused_since : f->stopped ? f->resolved_at : g->now;
	if (!t->due)
		return;
	if (t->done ? t->due < t->done : t->due <= stop)
		t->breached = t->due;
	if (t->warn && (t->done ? t->warn < t->done : t->warn <= stop))
		t->warned = t->warn;
}

static int targets(struct demo_gen *g, const struct sla_policy *p, const struct demo_sla_facts *f,
                   struct target t[K_COUNT], struct kf_error *err)
{
	struct sla_due d;
	memset(t, 0, K_COUNT * sizeof(*t));
	int rc = sla_compute(p, g->cal, f->created_at, &d, err);
	if (rc < 0)
		return rc;
	t[K_FIRST] = (struct target){ d.first_due_at, d.first_warn_at,
		                      d.first_due_at ? f->first_response_at : 0, 0, 0 };
	t[K_RESOLVE] = (struct target){ d.resolve_due_at, d.resolve_warn_at,
		                        d.resolve_due_at ? f->resolved_at : 0, 0, 0 };
	if (f->first_response_at && f->customer_again_at > f->first_response_at) {
		int64_t due = 0, warn = 0;
		rc = sla_response_due(p, g->cal, f->customer_again_at, p->next_response_s, &due, err);
		if (rc == 0 && due)
			rc = sla_warn_at(g->cal, f->customer_again_at, due, &warn, err);
		t[K_NEXT] = (struct target){ due, warn, due ? f->answered_again_at : 0, 0, 0 };
	}
	for (int k = 0; rc == 0 && k < K_COUNT; k++)
		mark(g, f, &t[k]);
	return rc;
}

/* The sla_warn and sla_breach jobs of the next instants ahead, as sla_clock.c's reschedule. */
static int jobs(struct demo_gen *g, int64_t ticket_id, const struct demo_sla_facts *f, const struct target *t,
                struct kf_error *err)
{
	int64_t warn = 0, due = 0;
	int rc = 0;
	for (int k = 0; k < K_COUNT && !f->stopped && !f->paused_since; k++) {
		if (!t[k].due || t[k].done)
			continue;
		if (!t[k].warned && !t[k].breached && t[k].warn && (!warn || t[k].warn < warn))
			warn = t[k].warn;
		if (!t[k].breached && (!due || t[k].due < due))
			due = t[k].due;
	}
	if (warn)
		rc = demo_put(g, DT_JOBS,
		              DB_ARGS(db_text("sla_warn"), db_int(ticket_id), db_int(warn), db_int(g->now),
		                      db_int(g->now)),
		              &g->c->jobs, err);
	if (rc == 0 && due)
		rc = demo_put(g, DT_JOBS,
		              DB_ARGS(db_text("sla_breach"), db_int(ticket_id), db_int(due), db_int(g->now),
		                      db_int(g->now)),
		              &g->c->jobs, err);
	return rc;
}

int demo_sla_write(struct demo_gen *g, int64_t ticket_id, const struct demo_sla_facts *f, struct kf_error *err)
{
	struct target t[K_COUNT];
	char tier[2] = { f->tier, '\0' };
	int k = sla_choose(g->policies, g->npolicies, f->type, f->priority, tier);
	if (k < 0)
		return 0; /* no policy applies: no clock, as for a live ticket */
	const struct sla_policy *p = &g->policies[k];
	int rc = targets(g, p, f, t, err);
	if (rc == 0)
		rc = demo_put(g, DT_SLA,
		              DB_ARGS(db_int(ticket_id), db_int(p->id), db_int(p->calendar_id),
		                      db_int(f->created_at), db_int(t[K_FIRST].due), db_int(t[K_FIRST].warn),
		                      db_int(t[K_FIRST].done), db_int(t[K_FIRST].warned),
		                      db_int(t[K_FIRST].breached), db_int(t[K_NEXT].due),
		                      db_int(t[K_NEXT].warn), db_int(t[K_NEXT].done), db_int(t[K_NEXT].warned),
		                      db_int(t[K_NEXT].breached), db_int(t[K_RESOLVE].due),
		                      db_int(t[K_RESOLVE].warn), db_int(t[K_RESOLVE].done),
		                      db_int(t[K_RESOLVE].warned), db_int(t[K_RESOLVE].breached),
		                      db_int(f->paused_since), db_int(0), db_int(g->now)),
		              NULL, err);
	if (rc == 0)
		rc = jobs(g, ticket_id, f, t, err);
	return rc;
}
