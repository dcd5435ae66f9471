/*
 * demo_names.c - see demo_names.h.  The lists are small on purpose: a
 * demo needs names that read right, not a census.  Surnames follow the
 * order of the most common ones (王 李 张 刘 陈 ...), and the draw favours
 * the front of the list the way real name frequencies do.
 */
#include "demo/demo_names.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct hanzi {
	const char *zh; /* the character(s) */
	const char *py; /* pinyin without tones */
};

static const struct hanzi surnames[] = {
	{ "王", "wang" },     { "李", "li" },     { "张", "zhang" }, { "刘", "liu" },   { "陈", "chen" },
	{ "杨", "yang" },     { "黄", "huang" },  { "赵", "zhao" },  { "吴", "wu" },    { "周", "zhou" },
	{ "徐", "xu" },       { "孙", "sun" },    { "马", "ma" },    { "朱", "zhu" },   { "胡", "hu" },
	{ "郭", "guo" },      { "何", "he" },     { "高", "gao" },   { "林", "lin" },   { "罗", "luo" },
	{ "郑", "zheng" },    { "梁", "liang" },  { "谢", "xie" },   { "宋", "song" },  { "唐", "tang" },
	{ "许", "xu" },       { "韩", "han" },    { "冯", "feng" },  { "邓", "deng" },  { "曹", "cao" },
	{ "彭", "peng" },     { "曾", "zeng" },   { "肖", "xiao" },  { "田", "tian" },  { "董", "dong" },
	{ "袁", "yuan" },     { "潘", "pan" },    { "于", "yu" },    { "蒋", "jiang" }, { "蔡", "cai" },
	{ "欧阳", "ouyang" }, { "司马", "sima" },
};

static const struct hanzi given[] = {
	{ "伟", "wei" },        { "芳", "fang" },      { "娜", "na" },       { "敏", "min" },
	{ "静", "jing" },       { "丽", "li" },        { "强", "qiang" },    { "磊", "lei" },
	{ "军", "jun" },        { "洋", "yang" },      { "勇", "yong" },     { "艳", "yan" },
	{ "杰", "jie" },        { "娟", "juan" },      { "涛", "tao" },      { "明", "ming" },
	{ "超", "chao" },       { "秀英", "xiuying" }, { "霞", "xia" },      { "平", "ping" },
	{ "刚", "gang" },       { "桂英", "guiying" }, { "晨", "chen" },     { "欣怡", "xinyi" },
	{ "子涵", "zihan" },    { "浩然", "haoran" },  { "雨桐", "yutong" }, { "宇轩", "yuxuan" },
	{ "梓萱", "zixuan" },   { "思远", "siyuan" },  { "佳怡", "jiayi" },  { "俊杰", "junjie" },
	{ "晓东", "xiaodong" }, { "文博", "wenbo" },   { "海燕", "haiyan" }, { "建华", "jianhua" },
	{ "志强", "zhiqiang" }, { "慧", "hui" },       { "婷", "ting" },     { "鹏", "peng" },
	{ "琳", "lin" },        { "博", "bo" },
};

static const struct hanzi firsts_en[] = {
	{ "Emily", "emily" },   { "James", "james" },   { "Olivia", "olivia" }, { "Michael", "michael" },
	{ "Sophia", "sophia" }, { "David", "david" },   { "Grace", "grace" },   { "Daniel", "daniel" },
	{ "Chloe", "chloe" },   { "Thomas", "thomas" }, { "Hannah", "hannah" }, { "Lucas", "lucas" },
	{ "Anna", "anna" },     { "Peter", "peter" },   { "Laura", "laura" },   { "Kevin", "kevin" },
};

static const struct hanzi lasts_en[] = {
	{ "Smith", "smith" },   { "Johnson", "johnson" }, { "Brown", "brown" },   { "Taylor", "taylor" },
	{ "Wilson", "wilson" }, { "Martin", "martin" },   { "Carter", "carter" }, { "Müller", "mueller" },
	{ "Dubois", "dubois" }, { "Rossi", "rossi" },     { "Tanaka", "tanaka" }, { "Kim", "kim" },
	{ "Chen", "chen" },     { "Wong", "wong" },       { "Garcia", "garcia" }, { "Evans", "evans" },
};

/* Index into a list of n, favouring the front: min of two draws. */
static size_t skewed(struct demo_rng *r, size_t n)
{
	size_t a = (size_t)demo_rng_below(r, n), b = (size_t)demo_rng_below(r, n);
	return a < b ? a : b;
}

void demo_person(struct demo_rng *r, int english, struct demo_person *out)
{
	out->english = english;
	if (english) {
		const struct hanzi *f = &firsts_en[demo_rng_below(r, NELEM(firsts_en))];
		const struct hanzi *l = &lasts_en[demo_rng_below(r, NELEM(lasts_en))];
		snprintf(out->name, sizeof(out->name), "%s %s", f->zh, l->zh);
		snprintf(out->latin, sizeof(out->latin), "%s.%s", f->py, l->py);
		return;
	}
	const struct hanzi *s = &surnames[skewed(r, NELEM(surnames))];
	const struct hanzi *g1 = &given[demo_rng_below(r, NELEM(given))];
	if (demo_rng_chance(r, 35) || strlen(g1->zh) > 3) {
		snprintf(out->name, sizeof(out->name), "%s%s", s->zh, g1->zh);
		snprintf(out->latin, sizeof(out->latin), "%s%s", s->py, g1->py);
		return;
	}
	const struct hanzi *g2 = &given[demo_rng_below(r, NELEM(given))];
	if (strlen(g2->zh) > 3)
		g2 = &given[0];
	snprintf(out->name, sizeof(out->name), "%s%s%s", s->zh, g1->zh, g2->zh);
	snprintf(out->latin, sizeof(out->latin), "%s%s%s", s->py, g1->py, g2->py);
}

static const char *const company_cities[] = { "上海", "深圳", "杭州", "北京", "广州", "成都", "苏州", "南京" };
static const struct hanzi company_words[] = {
	{ "明远", "mingyuan" },  { "华通", "huatong" }, { "嘉禾", "jiahe" },  { "新锐", "xinrui" },
	{ "恒达", "hengda" },    { "优品", "youpin" },  { "云帆", "yunfan" }, { "博源", "boyuan" },
	{ "鼎盛", "dingsheng" }, { "青禾", "qinghe" },  { "星河", "xinghe" }, { "瑞丰", "ruifeng" },
};
static const char *const company_trades[] = { "贸易", "电子商务", "科技", "餐饮管理", "酒店管理", "文化传媒" };
static const char *const company_en[] = { "Harbour Trading Ltd.",   "BlueLeaf Foods GmbH",
	                                  "Northwind Retail Co.",   "Kestrel Hotels Ltd.",
	                                  "Maple & Pine Interiors", "Orbit Gadgets Inc." };

void demo_company(struct demo_rng *r, int english, struct demo_person *out)
{
	out->english = english;
	if (english) {
		const char *n = company_en[demo_rng_below(r, NELEM(company_en))];
		str_copy(out->name, sizeof(out->name), n);
		snprintf(out->latin, sizeof(out->latin), "purchasing");
		return;
	}
	const struct hanzi *w = &company_words[demo_rng_below(r, NELEM(company_words))];
	snprintf(out->name, sizeof(out->name), "%s%s%s有限公司",
	         company_cities[demo_rng_below(r, NELEM(company_cities))], w->zh,
	         company_trades[demo_rng_below(r, NELEM(company_trades))]);
	str_copy(out->latin, sizeof(out->latin), w->py);
}

int64_t demo_scramble(int64_t serial, int digits)
{
	int64_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	/*
	 * x -> (x * 7919 + 104729) mod 10^d is a bijection (7919 is prime, so
	 * coprime with 10); three rounds spread neighbouring serials.  No
	 * overflow: x < 10^12, so x * 7919 < 2^63.
	 */
	int64_t v = serial % mod;
	for (int i = 0; i < 3; i++)
		v = (v * 7919 + 104729) % mod;
	return v;
}

static const char *const mobile_prefixes[] = { "130", "131", "132", "133", "135", "136", "137", "138",
	                                       "139", "150", "151", "152", "153", "155", "156", "157",
	                                       "158", "159", "166", "177", "180", "181", "182", "183",
	                                       "185", "186", "187", "188", "189", "199" };

void demo_phone(struct demo_rng *r, int64_t serial, char out[DEMO_CONTACT_MAX])
{
	snprintf(out, DEMO_CONTACT_MAX, "%s%08lld", mobile_prefixes[demo_rng_below(r, NELEM(mobile_prefixes))],
	         (long long)demo_scramble(serial, 8));
}

static const char *const mail_domains[] = { "qq.com",    "163.com",     "126.com",     "sina.com",
	                                    "gmail.com", "outlook.com", "foxmail.com", "139.com" };

void demo_email(struct demo_rng *r, const char *latin, int64_t serial, char out[DEMO_CONTACT_MAX])
{
	snprintf(out, DEMO_CONTACT_MAX, "%.32s%lld@%s", latin, (long long)serial,
	         mail_domains[demo_rng_below(r, NELEM(mail_domains))]);
}

void demo_wechat(struct demo_rng *r, const char *latin, int64_t serial, char out[DEMO_CONTACT_MAX])
{
	static const char alnum[] = "abcdefghijkmnpqrstuvwxyz23456789";
	if (demo_rng_chance(r, 50)) {
		snprintf(out, DEMO_CONTACT_MAX, "%.24s_%lld", latin, (long long)serial);
		return;
	}
	/* wxid_ + 10 characters: the serial in base 32 after a scramble, so unique. */
	int64_t v = demo_scramble(serial, 12);
	char tail[11];
	for (int i = 9; i >= 0; i--) {
		tail[i] = alnum[v % 32];
		v /= 32;
	}
	tail[10] = '\0';
	snprintf(out, DEMO_CONTACT_MAX, "wxid_%s", tail);
}

static const struct demo_place places[] = {
	{ "上海市", "上海市", "浦东新区", "200120", { "张江路", "世纪大道", "陆家嘴环路" } },
	{ "上海市", "上海市", "徐汇区", "200030", { "漕溪北路", "衡山路", "田林路" } },
	{ "上海市", "上海市", "闵行区", "201100", { "七莘路", "虹井路", "沪闵路" } },
	{ "北京市", "北京市", "朝阳区", "100020", { "建国路", "望京街", "三里屯路" } },
	{ "北京市", "北京市", "海淀区", "100080", { "中关村大街", "学院路", "知春路" } },
	{ "北京市", "北京市", "东城区", "100010", { "东直门内大街", "王府井大街", "和平里东街" } },
	{ "广东省", "深圳市", "南山区", "518000", { "高新南七道", "科苑路", "南海大道" } },
	{ "广东省", "深圳市", "福田区", "518000", { "深南大道", "福华一路", "益田路" } },
	{ "广东省", "广州市", "天河区", "510620", { "天河路", "体育西路", "珠江新城华夏路" } },
	{ "广东省", "广州市", "越秀区", "510030", { "北京路", "中山五路", "东风中路" } },
	{ "广东省", "东莞市", "南城街道", "523000", { "鸿福路", "宏图路", "莞太路" } },
	{ "浙江省", "杭州市", "西湖区", "310012", { "文三路", "天目山路", "学院路" } },
	{ "浙江省", "杭州市", "余杭区", "311100", { "文一西路", "五常大道", "良睦路" } },
	{ "浙江省", "宁波市", "鄞州区", "315100", { "天童南路", "四明中路", "嵩江中路" } },
	{ "江苏省", "南京市", "鼓楼区", "210008", { "中山路", "湖南路", "北京西路" } },
	{ "江苏省", "苏州市", "工业园区", "215000", { "星湖街", "现代大道", "苏州大道东" } },
	{ "四川省", "成都市", "武侯区", "610041", { "天府大道", "科华北路", "人民南路" } },
	{ "四川省", "成都市", "锦江区", "610021", { "春熙路", "东大街", "红星路" } },
	{ "湖北省", "武汉市", "洪山区", "430070", { "珞喻路", "光谷大道", "雄楚大道" } },
	{ "陕西省", "西安市", "雁塔区", "710061", { "长安南路", "小寨东路", "科技路" } },
	{ "重庆市", "重庆市", "渝中区", "400010", { "解放碑民族路", "中山三路", "大坪正街" } },
	{ "天津市", "天津市", "和平区", "300041", { "南京路", "滨江道", "卫津路" } },
	{ "山东省", "青岛市", "市南区", "266071", { "香港中路", "东海西路", "闽江路" } },
	{ "福建省", "厦门市", "思明区", "361001", { "湖滨南路", "厦禾路", "莲前西路" } },
	{ "湖南省", "长沙市", "岳麓区", "410006", { "麓山南路", "枫林三路", "桐梓坡路" } },
	{ "河南省", "郑州市", "金水区", "450000", { "花园路", "经三路", "农业路" } },
	{ "辽宁省", "沈阳市", "和平区", "110001", { "太原北街", "南京南街", "三好街" } },
	{ "云南省", "昆明市", "五华区", "650031", { "东风西路", "人民中路", "翠湖南路" } },
};

const struct demo_place *demo_place(struct demo_rng *r)
{
	return &places[skewed(r, NELEM(places))];
}

static const char *const buildings[] = { "小区", "花园", "公寓", "大厦", "苑" };
static const char *const estate_words[] = { "阳光", "锦绣", "翠湖", "金色", "东方", "万科", "绿城", "滨江" };

void demo_street(struct demo_rng *r, const struct demo_place *p, char *out, size_t n)
{
	const char *road = p->streets[demo_rng_below(r, 3)];
	long no = (long)demo_rng_range(r, 1, 999);
	if (demo_rng_chance(r, 25)) {
		snprintf(out, n, "%s%ld号%s%s%ld层", road, no,
		         estate_words[demo_rng_below(r, NELEM(estate_words))], "大厦",
		         (long)demo_rng_range(r, 2, 38));
		return;
	}
	snprintf(out, n, "%s%ld号%s%s%ld栋%ld室", road, no,
	         estate_words[demo_rng_below(r, NELEM(estate_words))],
	         buildings[demo_rng_below(r, NELEM(buildings))], (long)demo_rng_range(r, 1, 30),
	         (long)(demo_rng_range(r, 1, 33) * 100 + demo_rng_range(r, 1, 6)));
}

static const struct demo_product products[] = {
	{ "HOME-1001", "陶瓷马克杯", "Ceramic mug", "家居", 3900, 1 },
	{ "HOME-1002", "玻璃保鲜盒四件套", "Glass food containers, set of 4", "家居", 8900, 1 },
	{ "HOME-1003", "纯棉四件套床品", "Cotton bedding set", "家居", 39900, 0 },
	{ "HOME-1004", "乳胶枕", "Latex pillow", "家居", 19900, 0 },
	{ "HOME-1005", "北欧落地灯", "Nordic floor lamp", "家居", 45900, 1 },
	{ "HOME-1006", "不粘锅炒锅", "Non-stick wok", "家居", 15900, 0 },
	{ "DIGI-2001", "无线蓝牙耳机", "Wireless Bluetooth earbuds", "数码", 29900, 0 },
	{ "DIGI-2002", "20000毫安充电宝", "20000 mAh power bank", "数码", 12900, 0 },
	{ "DIGI-2003", "机械键盘", "Mechanical keyboard", "数码", 49900, 0 },
	{ "DIGI-2004", "智能手表", "Smart watch", "数码", 129900, 1 },
	{ "DIGI-2005", "27英寸显示器", "27-inch monitor", "数码", 169900, 1 },
	{ "DIGI-2006", "Type-C数据线", "USB-C cable", "数码", 2900, 0 },
	{ "CLOT-3001", "羊毛围巾", "Wool scarf", "服装", 25900, 0 },
	{ "CLOT-3002", "男士羽绒服", "Men's down jacket", "服装", 89900, 0 },
	{ "CLOT-3003", "女士真丝衬衫", "Women's silk blouse", "服装", 45900, 0 },
	{ "CLOT-3004", "运动袜五双装", "Sports socks, 5 pairs", "服装", 4900, 0 },
	{ "CLOT-3005", "牛仔裤", "Denim jeans", "服装", 29900, 0 },
	{ "FOOD-4001", "西湖龙井茶叶礼盒", "West Lake Longjing tea gift box", "食品", 68800, 0 },
	{ "FOOD-4002", "五常大米5kg", "Wuchang rice 5 kg", "食品", 8900, 0 },
	{ "FOOD-4003", "每日坚果礼盒", "Daily mixed nuts box", "食品", 12800, 0 },
	{ "FOOD-4004", "云南小粒咖啡豆", "Yunnan coffee beans", "食品", 7900, 0 },
	{ "FOOD-4005", "阳澄湖大闸蟹礼券", "Yangcheng Lake crab voucher", "食品", 99800, 0 },
	{ "BEAU-5001", "保湿面霜", "Moisturising cream", "美妆", 32900, 1 },
	{ "BEAU-5002", "防晒霜SPF50", "Sunscreen SPF50", "美妆", 16900, 0 },
	{ "BABY-6001", "婴儿纸尿裤", "Baby diapers", "母婴", 15900, 0 },
	{ "BABY-6002", "儿童安全座椅", "Child car seat", "母婴", 159900, 0 },
	{ "SPRT-7001", "瑜伽垫", "Yoga mat", "运动", 12900, 0 },
	{ "SPRT-7002", "跑步鞋", "Running shoes", "运动", 59900, 0 },
	{ "BOOK-8001", "《三体》全集", "The Three-Body Problem trilogy", "图书", 9800, 0 },
	{ "BOOK-8002", "儿童绘本套装", "Picture books for children, set", "图书", 19900, 0 },
};

const struct demo_product *demo_product(struct demo_rng *r)
{
	return &products[demo_rng_below(r, NELEM(products))];
}

size_t demo_product_count(void)
{
	return NELEM(products);
}

static const struct demo_carrier carriers[] = {
	{ "顺丰速运 SF Express", "SF", "1", 12, "express" },
	{ "中通快递 ZTO", "", "78", 10, "road" },
	{ "圆通速递 YTO", "YT", "7", 12, "road" },
	{ "京东物流 JD Logistics", "JDV", "0", 11, "express" },
	{ "EMS 中国邮政", "", "11", 11, "air" },
	{ "德邦快递 Deppon", "DPK", "3", 11, "road" },
};

const struct demo_carrier *demo_carrier(struct demo_rng *r)
{
	/* SF and ZTO carry most parcels. */
	static const int weights[] = { 30, 25, 15, 15, 8, 7 };
	int v = (int)demo_rng_below(r, 100);
	for (size_t i = 0; i < NELEM(carriers); i++) {
		if (v < weights[i])
			return &carriers[i];
		v -= weights[i];
	}
	return &carriers[0];
}

void demo_tracking_number(const struct demo_carrier *c, int64_t serial, char out[DEMO_CONTACT_MAX])
{
	snprintf(out, DEMO_CONTACT_MAX, "%s%s%0*lld", c->prefix, c->lead, c->digits,
	         (long long)demo_scramble(serial, c->digits));
}

struct pref {
	const char *key;
	const char *values[4];
};

static const struct pref prefs[] = {
	{ "常用收货时间", { "工作日白天", "工作日晚上18点后", "仅周末", "不限" } },
	{ "包装偏好", { "简约环保包装", "礼品包装", "不要放发票和宣传单", "加强防震包装" } },
	{ "联系方式偏好", { "电话", "微信", "短信", "邮件" } },
	{ "快递偏好", { "顺丰", "京东物流", "不要放快递柜", "放门口即可" } },
	{ "发票抬头", { "个人", "公司（专票）", "公司（普票）", "无需发票" } },
	{ "preferred language", { "English", "中文", "English, Chinese ok", "中文，英文也可" } },
};

int demo_preference_keys(void)
{
	return (int)NELEM(prefs);
}

void demo_preference(struct demo_rng *r, int i, const char **key, const char **value)
{
	const struct pref *p = &prefs[(size_t)i % NELEM(prefs)];
	*key = p->key;
	*value = p->values[demo_rng_below(r, 4)];
}

static const char *const tags[] = { "VIP",      "回头客",   "价格敏感",   "企业客户",
	                            "大促用户", "投诉敏感", "newsletter", "会员" };

const char *demo_tag(struct demo_rng *r)
{
	return tags[demo_rng_below(r, NELEM(tags))];
}
