/*
 * demo_text.c - see demo_text.h.  The scripts follow the desk's own
 * story lines: 物流查询, 破损, 错发漏发, 退换货, 理赔, 投诉回访 and 关怀.
 */
#include "demo/demo_text.h"

#include <stdio.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct demo_script scripts[] = {
	/* ---- inquiry ---- */
	{ "inquiry", 23, "zh", "订单{order}什么时候发货？",
	  "你好，我{order}这个订单下了两天了还没发货，能帮我催一下吗？着急用。",
	  "{name}您好，我是客服{agent}。已经帮您查询，订单在仓库拣货中，预计今天18点前发出，发货后会短信通知您。",
	  "好的，谢谢，麻烦尽快。", "您好，订单已经发出，{carrier}运单号{track}，请留意查收。",
	  "已联系仓库加急处理。" },
	{ "inquiry", 25, "zh", "我的快递三天没更新了",
	  "我的快递三天没更新了，运单号{track}，一直显示运输中，是不是丢了？",
	  "{name}您好，非常抱歉让您久等。我已联系{carrier}核实，包裹目前在中转站滞留，预计明天恢复派送。",
	  "那麻烦帮我盯一下，明天还没有到我就要投诉了。",
	  "您好，包裹今天已经派送，请注意接听快递员电话。有问题随时联系我们。",
	  "已在承运商系统提交催件，单号{track}。" },
	{ "inquiry", 24, "zh", "{product}有没有其他颜色？", "请问{product}除了白色还有其他颜色吗？想买来送人。",
	  "{name}您好，{product}目前还有灰色和浅蓝色，浅蓝色库存不多，建议您尽快下单哦。",
	  "那灰色的可以帮我包礼品包装吗？", "可以的，下单时备注“礼品包装”即可，我们会附上贺卡。",
	  "客户偏好礼品包装，已记录。" },
	{ "inquiry", 25, "zh", "可以改收货地址吗？", "我刚下的订单{order}地址填错了，能改成公司地址吗？",
	  "{name}您好，订单还未出库，可以修改。请把新的收货地址和联系电话发给我。",
	  "上海市浦东新区张江路88号，电话不变。", "已为您修改收货地址，订单会按新地址发出。",
	  "地址已在 OMS 中更新。" },
	{ "inquiry", 23, "en", "Where is my parcel?",
	  "Hi, I ordered {product} a week ago (order {order}) and the tracking {track} has not moved for days. Where is my parcel?",
	  "Hello {name}, this is {agent}. I checked with {carrier}: the parcel is at the regional hub and should be delivered within two days.",
	  "OK, please keep me posted.",
	  "Good news: your parcel is out for delivery today. Let us know if anything is wrong.",
	  "Chased the carrier, hub delay." },
	{ "inquiry", 24, "en", "Is the {product} suitable for a dishwasher?",
	  "Hello, can the {product} go in the dishwasher? The page does not say.",
	  "Hello {name}, yes, it is dishwasher safe on the top rack. Please avoid the microwave with the metal rim.",
	  "Great, thanks for the quick answer!", "You are welcome. Enjoy your purchase!",
	  "Product page lacks care info; told content team." },
	/* ---- complaint ---- */
	{ "complaint", 9, "zh", "收到的杯子碎了，要求退款",
	  "收到的{product}碎了，包装就一层气泡膜，太不负责了，要求退款！订单号{order}。",
	  "{name}您好，非常抱歉给您带来不好的体验。麻烦您拍一下商品和外包装的照片，我们核实后马上为您处理。",
	  "照片已经上传了，你们看一下。",
	  "{name}您好，已为您办理全额退款，款项1-3个工作日原路退回。我们也已要求仓库加强易碎品包装。",
	  "易碎品包装不达标，已反馈仓储部。" },
	{ "complaint", 7, "zh", "物流一周没动，客服也不回复",
	  "运单{track}一周没有任何更新，之前留言也没人回，你们到底管不管？",
	  "{name}您好，非常抱歉之前没有及时回复您。我已经升级处理，并向{carrier}发起查件，今天内给您答复。",
	  "今天必须给我结果。",
	  "您好，{carrier}确认包裹在转运中心漏扫，已于今天重新发出，并为您申请了20元补偿券。",
	  "客户情绪激动，升级主管跟进。" },
	{ "complaint", 12, "zh", "发错货了，我买的是{product}",
	  "我买的是{product}，收到的完全是另一件东西，订单{order}，麻烦处理一下。",
	  "{name}您好，非常抱歉发错了商品。我们会安排快递上门取回，并重新给您发出正确的商品，运费由我们承担。",
	  "好的，尽快，这是要送人的。",
	  "正确的商品已经发出，运单号{track}，预计明天送达。错发的商品快递员会上门取回。",
	  "拣货错误，已通知仓库主管。" },
	{ "complaint", 13, "zh", "少发了一件",
	  "订单{order}买了两件{product}，只收到一件，箱子里也没有缺货说明。",
	  "{name}您好，抱歉给您添麻烦了。已核实仓库出库记录，确实漏发一件，今天为您补发。",
	  "行吧，这次别再出错了。", "补发的商品已发出，运单号{track}。再次向您致歉。", "漏发，补发单已建。" },
	{ "complaint", 2, "zh", "{product}用了两天就坏了", "{product}用了两天就坏了，质量太差了，要求换新。",
	  "{name}您好，很抱歉产品出现问题。麻烦提供一下故障现象的视频，我们给您安排换新或维修。",
	  "视频已经发了，开机就自动关机。", "已为您安排换新，新品今天发出，旧品请交给上门取件的快递员。",
	  "疑似批次质量问题，已提交品控复检。" },
	{ "complaint", 14, "zh", "投诉客服态度差",
	  "昨天打电话问退款，客服很不耐烦，直接挂了我电话，这是什么服务态度？",
	  "{name}您好，非常抱歉给您带来不愉快的体验。我们会调取通话录音核实，并对相关人员进行培训，退款问题我来为您跟进。",
	  "希望你们认真处理。", "您好，退款已经到账，相关同事已接受服务培训，感谢您的监督。",
	  "已调取录音，确认服务用语不当。" },
	{ "complaint", 16, "zh", "运费多收了", "订单{order}满99包邮，为什么还收了我12元运费？",
	  "{name}您好，核实后确实是系统计费错误，我们会把12元运费退还给您，非常抱歉。",
	  "好的，退回原支付账户吧。", "运费12元已经原路退回，请注意查收。", "促销规则配置错误，已报技术部。" },
	{ "complaint", 6, "en", "Late delivery, promised next day",
	  "I paid for next-day delivery on order {order} and it took five days. This is not acceptable.",
	  "Dear {name}, I am sorry the delivery was late. I have refunded the express shipping fee and raised it with {carrier}.",
	  "Thank you, but please make sure it does not happen again.",
	  "The refund of the shipping fee has been made. We have reviewed the carrier's performance on your route.",
	  "Carrier missed the SLA; logistics to review." },
	{ "complaint", 9, "en", "Item arrived broken",
	  "The {product} arrived broken, the box was crushed. I want a refund.",
	  "Dear {name}, I am very sorry. Could you send a photo of the item and the box? We will sort this out quickly.",
	  "Photos attached.",
	  "We have refunded you in full. We have also asked the warehouse to pack fragile items better.",
	  "Packaging for fragile goods insufficient." },
	/* ---- return ---- */
	{ "return", 19, "zh", "申请退货：{product}不合适",
	  "{product}尺码不合适，想申请七天无理由退货，订单{order}。",
	  "{name}您好，可以为您办理七天无理由退货。请保持商品及吊牌完好，我们已为您预约快递上门取件。",
	  "好的，快递已经取走了。", "退货已入库检验，退款已原路退回，请注意查收。", "退货原因：尺码不合适。" },
	{ "return", 20, "zh", "申请换货：颜色发错了",
	  "订单{order}的{product}我选的是灰色，收到的是白色，想换成灰色。",
	  "{name}您好，已为您办理换货，回寄商品收到后立即发出灰色款，来回运费我们承担。",
	  "已经寄回了，运单号在订单里。", "换货商品已发出，运单号{track}，请注意查收。", "换货：颜色错发。" },
	{ "return", 21, "zh", "退款什么时候到账？", "退货已经寄回去五天了，退款还没到账，订单{order}。",
	  "{name}您好，退货已在昨天入库，退款正在处理中，预计1-3个工作日到账。", "好的，那我再等等。",
	  "退款已经原路退回，请查收。", "仓库入库慢，已提醒。" },
	{ "return", 19, "en", "Return request for {product}",
	  "Hello, I would like to return the {product} from order {order}. It does not fit my desk.",
	  "Hello {name}, no problem. I have booked a courier pickup for tomorrow; please keep the original packaging.",
	  "Thanks, the courier took it this morning.", "We received the return and refunded you in full.",
	  "Return reason: does not fit." },
	/* ---- claim ---- */
	{ "claim", 9, "zh", "理赔：运输途中损坏",
	  "{carrier}送来的{product}外箱严重挤压，商品已损坏，运单{track}，申请理赔。",
	  "{name}您好，已为您登记理赔，请上传开箱照片和外包装照片作为凭证，我们会向承运商追偿。",
	  "照片都上传了。", "理赔已审核通过，赔付金额已退到您的账户，感谢您的耐心。", "向承运商发起追偿。" },
	{ "claim", 10, "zh", "包裹丢失，申请赔偿",
	  "运单{track}显示已签收，但我根本没收到，问了物业也没有，申请赔偿。",
	  "{name}您好，非常抱歉。已联系{carrier}调查签收记录，同时为您登记丢件理赔。", "快点处理，东西挺贵的。",
	  "承运商确认丢件，已按申报价值全额赔付给您。", "疑似快递员代签，已向承运商索赔。" },
	{ "claim", 6, "en", "Claim for late delivery",
	  "My parcel {track} arrived a week late and the gift was useless by then. I want compensation.",
	  "Dear {name}, I am sorry. I have opened a claim for the late delivery and will come back to you within two working days.",
	  "Thank you.",
	  "Your claim was approved; the compensation has been paid to your original payment method.",
	  "Late-delivery claim, carrier at fault." },
	/* ---- suggestion ---- */
	{ "suggestion", 26, "zh", "建议增加晚间配送时段", "建议增加晚上7点到9点的配送时段，白天上班家里没人。",
	  "{name}您好，感谢您的宝贵建议！我们已经反馈给物流部门评估。", "期待早日上线。",
	  "感谢您的建议，晚间配送已在部分城市试点。", "建议已转物流部。" },
	{ "suggestion", 26, "zh", "小程序希望能开发票",
	  "建议在小程序里直接开电子发票，现在还要找客服很麻烦。", "{name}您好，感谢建议，已转交产品团队。",
	  "好的。", "电子发票功能已经上线，欢迎使用。", "需求已录入产品需求池。" },
	{ "suggestion", 26, "en", "Please offer plastic-free packaging",
	  "Could you offer plastic-free packaging as an option? I would pay a little more for it.",
	  "Hello {name}, thank you for the suggestion. I have passed it to our packaging team.",
	  "Great, thanks.", "We now offer paper-only packaging at checkout.",
	  "Suggestion forwarded to packaging." },
	/* ---- follow_up ---- */
	{ "follow_up", 0, "zh", "投诉回访：{name}", "（系统）投诉已处理完毕，请在两天内回访客户确认满意度。",
	  "{name}您好，我是客服{agent}，想回访一下您上次反馈的问题，现在处理结果您还满意吗？",
	  "挺满意的，处理得很及时。", "感谢您的认可，祝您生活愉快！", "回访：客户满意。" },
	{ "follow_up", 0, "en", "Follow-up call: {name}",
	  "(system) The complaint was resolved; call the customer back within two days.",
	  "Hello {name}, this is {agent}. I am calling to check that you are happy with how we handled your complaint.",
	  "Yes, all good now, thank you.", "Thank you for your feedback. Have a nice day!",
	  "Follow-up: satisfied." },
	/* ---- care ---- */
	{ "care", 27, "zh", "生日关怀：{name}", "（系统）客户今天生日，发送生日祝福和会员礼券。",
	  "{name}您好，祝您生日快乐！我们为您准备了一张50元生日礼券，已放入您的账户。", "谢谢，太贴心了！",
	  "不客气，祝您生日快乐，万事如意！", "生日礼券已发放。" },
	{ "care", 27, "zh", "老客户回访：{name}", "（系统）客户已90天没有下单，进行关怀回访。",
	  "{name}您好，好久不见，最近新上了几款您常买的商品，还为您准备了老客户专享优惠。", "好的，我看看。",
	  "期待您再次光临！", "流失预警客户，已发优惠券。" },
	{ "care", 27, "en", "Birthday greetings: {name}",
	  "(system) The customer's birthday is today; send greetings and the member voucher.",
	  "Happy birthday, {name}! A 50 CNY voucher is waiting in your account.", "Thank you so much!",
	  "You are welcome. Have a wonderful day!", "Birthday voucher issued." },
	{ "care", 27, "en", "Win-back: {name}",
	  "(system) The customer has not ordered for 90 days; call to keep in touch.",
	  "Hello {name}, it has been a while! A few products you often buy are back, with a returning-customer discount for you.",
	  "Thanks, I will have a look.", "We look forward to seeing you again!",
	  "Lapsing customer; discount voucher sent." },
};

static const struct demo_rca rcas[] = {
	{ 2, "产品批次质量缺陷", "品控部", "为客户换新，整批次送检" },
	{ 3, "商品详情页描述与实物不符", "运营部", "退款并修正商品详情页" },
	{ 6, "承运商中转延误", "物流部", "退还加急运费，约谈承运商" },
	{ 7, "转运中心漏扫，物流信息未更新", "物流部", "重新发出并补偿20元优惠券" },
	{ 9, "易碎品包装不达标", "仓储部", "全额退款，易碎品改用加厚防震包装" },
	{ 10, "快递员违规代签", "物流部", "按申报价值赔付，向承运商追偿" },
	{ 12, "拣货错误", "仓储部", "上门取回并重新发货，运费由公司承担" },
	{ 13, "打包漏装", "仓储部", "补发商品，打包环节增加复核" },
	{ 14, "客服服务用语不当", "客服部", "道歉并对相关人员进行服务培训" },
	{ 16, "促销包邮规则配置错误", "技术部", "退还多收运费，修复计费规则" },
};

static const struct demo_rca rca_other = { 0, "流程执行不到位", "客服部", "向客户致歉并完善处理流程" };

size_t demo_script_count(const char *type, const char *lang)
{
	size_t n = 0;
	for (size_t i = 0; i < NELEM(scripts); i++)
		if (strcmp(scripts[i].type, type) == 0 && strcmp(scripts[i].lang, lang) == 0)
			n++;
	return n;
}

const struct demo_script *demo_script(struct demo_rng *r, const char *type, const char *lang)
{
	size_t n = demo_script_count(type, lang);
	if (n == 0 && strcmp(lang, "zh") != 0)
		return demo_script(r, type, "zh");
	size_t want = (size_t)demo_rng_below(r, n);
	for (size_t i = 0; i < NELEM(scripts); i++)
		if (strcmp(scripts[i].type, type) == 0 && strcmp(scripts[i].lang, lang) == 0 && want-- == 0)
			return &scripts[i];
	return &scripts[0];
}

const struct demo_script *demo_winback_script(const char *lang)
{
	for (size_t i = 0; i < NELEM(scripts); i++)
		if (strcmp(scripts[i].type, "care") == 0 && strcmp(scripts[i].lang, lang) == 0 &&
		    (strstr(scripts[i].subject, "回访") || strstr(scripts[i].subject, "Win-back")))
			return &scripts[i];
	return lang[0] == 'z' ? &scripts[0] : demo_winback_script("zh");
}

const struct demo_rca *demo_rca(int category_id)
{
	for (size_t i = 0; i < NELEM(rcas); i++)
		if (rcas[i].category_id == category_id)
			return &rcas[i];
	return &rca_other;
}

/* The value of the placeholder name (n bytes), or NULL if it is not one. */
static const char *var(const struct demo_vars *v, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
		{ "order", offsetof(struct demo_vars, order) },
		{ "track", offsetof(struct demo_vars, track) },
		{ "product", offsetof(struct demo_vars, product) },
		{ "carrier", offsetof(struct demo_vars, carrier) },
		{ "name", offsetof(struct demo_vars, name) },
		{ "agent", offsetof(struct demo_vars, agent) },
	};
	for (size_t i = 0; i < NELEM(map); i++) {
		if (strlen(map[i].name) != n || memcmp(map[i].name, name, n) != 0)
			continue;
		const char *s = *(const char *const *)(const void *)((const char *)v + map[i].off);
		return s ? s : "";
	}
	return NULL;
}

/* Append n bytes of s to out at *used, never past cap - 1. */
static void put(char *out, size_t cap, size_t *used, const char *s, size_t n)
{
	if (*used + n >= cap) {
		n = cap - 1 - *used;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* never cut a UTF-8 character in half */
	}
	memcpy(out + *used, s, n);
	*used += n;
}

void demo_expand(const char *tmpl, const struct demo_vars *v, char *out, size_t n)
{
	size_t used = 0;
	if (n == 0)
		return;
	for (const char *p = tmpl; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		const char *val = close ? var(v, p + 1, (size_t)(close - p - 1)) : NULL;
		if (val) {
			put(out, n, &used, val, strlen(val));
			p = close + 1;
			continue;
		}
		size_t len = 1; /* one whole UTF-8 character */
		while (len < 4 && ((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		put(out, n, &used, p, len);
		p += len;
	}
	out[used] = '\0';
}
