/*
 * i18n_errors.c - see i18n_errors.h.  "%s" in a template is the field,
 * shown in the reader's words (field_labels[]).
 */
#include "http/i18n_errors.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"

static const struct {
	const char *code; /* API error code */
	const char *zh; /* Chinese message; %s = field name when the template has one */
} zh_errors[] = {
	{ "invalid", "“%s”的值无效" },
	{ "required", "请填写：%s" },
	{ "type", "“%s”的类型不正确" },
	{ "range", "“%s”超出允许范围" },
	{ "too_long", "“%s”过长" },
	{ "unknown_field", "未知字段 %s" },
	{ "bad_json", "请求体不是有效的 JSON 对象" },
	{ "not_utf8", "请求内容不是有效的 UTF-8 文本" },
	{ "not_found", "未找到请求的资源" },
	{ "method_not_allowed", "该资源不支持此请求方法" },
	{ "unauthenticated", "请先登录" },
	{ "bad_credentials", "用户名或密码错误" },
	{ "forbidden", "您没有执行此操作的权限" },
	{ "csrf", "缺少或错误的 CSRF 令牌，请刷新页面后重试" },
	{ "conflict", "请求与当前状态冲突" },
	{ "exists", "“%s”已存在" },
	{ "stale", "该记录已被他人修改，请刷新后重试" },
	{ "precondition_required", "修改前需要提供 If-Match（读取时得到的 ETag）" },
	{ "too_large", "请求体过大" },
	{ "headers_too_large", "请求头过大" },
	{ "uri_too_long", "请求地址过长" },
	{ "timeout", "请求超时" },
	{ "bad_request", "请求格式错误：Content-Length 重复或与 Transfer-Encoding 同时出现，或缺少 Host" },
	{ "unsupported_media_type", "Content-Type 必须是 application/json" },
	{ "rate_limited", "尝试次数过多，请稍后再试" },
	{ "idempotency_mismatch", "同一 Idempotency-Key 已用于不同的请求" },
	{ "idempotency_in_progress", "同一 Idempotency-Key 的请求仍在处理中" },
	{ "busy", "服务器繁忙，请稍后重试" },
	{ "internal", "服务器内部错误，请凭请求编号联系管理员" },
	{ "too_many_arguments", "数据库语句参数过多（程序错误），请凭请求编号联系管理员" },
	{ "disabled", "该账户已停用" },
	{ "weak_password", "密码太短（至少 10 个字符）" },
	{ "last_admin", "不能停用或降级最后一个管理员" },
/* Each area of the API keeps its codes in its own list, included here. */
#include "http/i18n_errors_customers.inc"
#include "http/i18n_errors_logistics.inc"
#include "http/i18n_errors_tickets.inc"
#include "http/i18n_errors_processes.inc"
#include "http/i18n_errors_sla.inc"
#include "http/i18n_errors_search.inc"
#include "http/i18n_errors_reports.inc"
#include "http/i18n_errors_pricing.inc"
#include "http/i18n_errors_surveys.inc"
#include "http/i18n_errors_mail.inc"
#include "http/i18n_errors_mail_out.inc"
#include "http/i18n_errors_mailboxes.inc"
};

static int find(const char *code)
{
	for (size_t i = 0; i < sizeof(zh_errors) / sizeof(zh_errors[0]); i++)
		if (strcmp(zh_errors[i].code, code) == 0)
			return (int)i;
	return -1;
}

int i18n_error_known(const char *code)
{
	return find(code) >= 0;
}

int i18n_error_zh(const char *code, const char *field, char *out, size_t outsz)
{
	int i = find(code);
	if (i < 0)
		return -1;
	const char *t = zh_errors[i].zh;
	const char *p = strstr(t, "%s");
	if (!p) {
		snprintf(out, outsz, "%s", t);
		return 0;
	}
	snprintf(out, outsz, "%.*s%s%s", (int)(p - t), t, field ? field : "", p + 2);
	kf_utf8_trim(out);
	return 0;
}

static const struct {
	const char *field; /* API field name */
	const char *en; /* what an English reader calls it */
	const char *zh; /* what a Chinese reader calls it */
} field_labels[] = {
#include "http/i18n_fields.inc"
};

static int find_label(const char *field, size_t n)
{
	for (size_t i = 0; i < sizeof(field_labels) / sizeof(field_labels[0]); i++)
		if (strlen(field_labels[i].field) == n && strncmp(field_labels[i].field, field, n) == 0)
			return (int)i;
	return -1;
}

const char *i18n_field_label(const char *field, int zh)
{
	if (!field)
		return "";
	int i = find_label(field, strlen(field));
	if (i < 0) {
		/* "addresses[0].line": the last part names the field. */
		const char *dot = strrchr(field, '.');
		const char *last = dot ? dot + 1 : field;
		i = find_label(last, strcspn(last, "["));
	}
	if (i < 0)
		return field;
	return zh ? field_labels[i].zh : field_labels[i].en;
}

const char *i18n_field_label_exact(const char *field, size_t n, int zh)
{
	int i = field ? find_label(field, n) : -1;
	if (i < 0)
		return NULL;
	return zh ? field_labels[i].zh : field_labels[i].en;
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The label of the word of n bytes at w in msg, or NULL to keep it; first = at the start. */
static const char *relabel_word(const char *w, size_t n, int first, const char *field, const char *msg)
{
	if (w > msg && (w[-1] == '.' || w[-1] == '[' || w[-1] == '\''))
		return NULL; /* part of a path or a quoted value */
	if (w[n] == '[' || w[n] == '.' || w[n] == '\'')
		return NULL;
	if (first && field && strlen(field) == n && strncmp(field, w, n) == 0)
		return i18n_field_label_exact(w, n, 0);
	return memchr(w, '_', n) ? i18n_field_label_exact(w, n, 0) : NULL;
}

void i18n_relabel_en(const char *msg, const char *field, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	for (const char *p = msg ? msg : ""; *p;) {
		size_t n = 0;
		while (word_char(p[n]))
			n++;
		if (n == 0) {
			buf_add(&b, p, 1);
			p++;
			continue;
		}
		const char *label = relabel_word(p, n, p == msg, field, msg);
		if (label)
			buf_adds(&b, label);
		else
			buf_add(&b, p, n);
		p += n;
	}
	snprintf(out, outsz, "%s", b.len ? buf_cstr(&b) : "");
	kf_utf8_trim(out);
	buf_release(&b);
}

void i18n_fields_join(const char *fields, int zh, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	char one[KF_ERR_FIELD_MAX];
	for (const char *p = fields ? fields : ""; *p;) {
		size_t n = strcspn(p, ",");
		snprintf(one, sizeof(one), "%.*s", (int)(n < sizeof(one) ? n : sizeof(one) - 1), p);
		if (one[0]) {
			if (b.len)
				buf_adds(&b, zh ? "、" : ", ");
			buf_adds(&b, i18n_field_label(one, zh));
		}
		p += n + (p[n] == ',');
	}
	snprintf(out, outsz, "%s", b.len ? buf_cstr(&b) : "");
	buf_release(&b);
}
