/*
 * report_labels.c - the one table of report codes in both languages
 * (report_labels.h).  Keep it in step with the rcode.* strings of
 * web/i18n/en.json and zh-CN.json: the page and the export must say the
 * same thing.
 */
#include "analytics/report_labels.h"

#include <stdio.h>
#include <string.h>

#include "analytics/report.h"

struct rlabel {
	const char *col; /* "" = any column */
	const char *code;
	const char *en;
	const char *zh;
};

static const struct rlabel labels[] = {
	/* RFM segments (docs/metrics.md) */
	{ "", "champions", "Champions", "冠军客户" },
	{ "", "loyal_customers", "Loyal customers", "忠诚客户" },
	{ "", "potential_loyalists", "Potential loyalists", "潜在忠诚客户" },
	{ "", "new_customers", "New customers", "新客户" },
	{ "", "promising", "Promising", "有潜力客户" },
	{ "", "need_attention", "Need attention", "需要关注" },
	{ "", "about_to_sleep", "About to sleep", "即将沉睡" },
	{ "", "at_risk", "At risk", "有流失风险" },
	{ "", "cant_loose", "Can't lose them", "不能失去的客户" },
	{ "", "hibernating", "Hibernating", "沉睡客户" },
	/* lifecycle stages */
	{ "", "potential", "Potential", "潜在客户" },
	{ "", "new", "New", "新客户" },
	{ "", "satisfied", "Satisfied", "满意客户" },
	{ "", "loyal", "Loyal", "忠诚客户" },
	{ "", "lapsed", "Lapsed", "流失客户" },
	/* Dick & Basu loyalty cells and their axes */
	{ "", "true", "True loyalty", "真正忠诚" },
	{ "", "latent", "Latent loyalty", "潜在忠诚" },
	{ "", "spurious", "Spurious loyalty", "虚假忠诚" },
	{ "", "none", "No loyalty", "不忠诚" },
	{ "cell", "none", "No loyalty", "不忠诚" },
	{ "", "unknown", "Unknown", "未知" },
	{ "", "all", "All", "全部" },
	{ "", "high", "High", "高" },
	{ "", "low", "Low", "低" },
	/* SERVQUAL dimensions and survey kinds */
	{ "", "tangibles", "Tangibles", "有形性" },
	{ "", "reliability", "Reliability", "可靠性" },
	{ "", "responsiveness", "Responsiveness", "响应性" },
	{ "", "assurance", "Assurance", "保证性" },
	{ "", "empathy", "Empathy", "移情性" },
	{ "", "overall", "Overall", "总体" },
	{ "", "delivery", "Delivery survey", "配送调查" },
	{ "", "resolution", "Resolution survey", "解决调查" },
	/* transport modes */
	{ "", "road", "Road", "公路" },
	{ "", "sea", "Sea", "海运" },
	{ "", "air", "Air", "空运" },
	{ "", "express", "Express", "快递" },
	{ "", "rail", "Rail", "铁路" },
	{ "", "pickup", "Pickup", "自提" },
	/* placeholders */
	{ "", "total", "Total", "合计" },
	{ "", "(none)", "Not recorded", "未填写" },
	{ "", "-", "None", "无" },
};

static const struct rlabel *label_find(const char *col, const char *code)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].col, col) == 0 && strcmp(labels[i].code, code) == 0)
			return &labels[i];
	return NULL;
}

/* The half of "中文 / English" for the language into out; NULL when s is not such a pair. */
static const char *label_half(const char *s, int zh, char *out, size_t n)
{
	const char *sep = strstr(s, " / ");
	if (!sep || strstr(sep + 3, " / "))
		return NULL;
	if (zh)
		snprintf(out, n, "%.*s", (int)(sep - s), s);
	else
		snprintf(out, n, "%s", sep + 3);
	return out;
}

const char *report_label(const char *key, const char *s, int zh, char *out, size_t n)
{
	if (!s)
		return "";
	const struct rlabel *l = label_find(key ? key : "", s);
	if (!l)
		l = label_find("", s);
	if (l)
		return zh ? l->zh : l->en;
	const char *half = n ? label_half(s, zh, out, n) : NULL;
	return half ? half : s;
}

void report_localize_names(struct report_table *t, int zh)
{
	char out[512];
	int c = report_col_index(t, "name");
	for (size_t r = 0; c >= 0 && r < t->nrows; r++) {
		const struct report_cell *cell = report_cell(t, r, (size_t)c);
		if (cell->null || !cell->s)
			continue;
		const char *s = report_label("name", cell->s, zh, out, sizeof(out));
		if (s != cell->s)
			report_set_text(t, r, (size_t)c, s);
	}
}
