-- 0015: the seeded China calendar gets the 2026 public holidays and make-up
-- workdays (调休上班) of the State Council General Office notice of
-- 2025-11-04 (国务院办公厅关于2026年部分节假日安排的通知): 元旦 Jan 1-3 (Sun Jan 4 worked), 春节 Feb 15-23 (Sat Feb 14 and
-- Sat Feb 28 worked), 清明 Apr 4-6, 劳动节 May 1-5 (Sat May 9 worked), 端午
-- Jun 19-21, 中秋 Sep 25-27, 国庆 Oct 1-7 (Sun Sep 20 and Sat Oct 10 worked).
-- A date an administrator already entered is kept as it is.
INSERT INTO calendar_holidays (calendar_id, date, kind, name)
SELECT c.id, h.column1, h.column2, h.column3 FROM calendars c, (VALUES
	('2026-01-01', 'holiday', '元旦 / New Year''s Day'),
	('2026-01-02', 'holiday', '元旦 / New Year''s Day'),
	('2026-01-03', 'holiday', '元旦 / New Year''s Day'),
	('2026-01-04', 'workday', '元旦调休上班 / New Year make-up workday'),
	('2026-02-14', 'workday', '春节调休上班 / Spring Festival make-up workday'),
	('2026-02-15', 'holiday', '春节 / Spring Festival'),
	('2026-02-16', 'holiday', '春节 / Spring Festival'),
	('2026-02-17', 'holiday', '春节 / Spring Festival'),
	('2026-02-18', 'holiday', '春节 / Spring Festival'),
	('2026-02-19', 'holiday', '春节 / Spring Festival'),
	('2026-02-20', 'holiday', '春节 / Spring Festival'),
	('2026-02-21', 'holiday', '春节 / Spring Festival'),
	('2026-02-22', 'holiday', '春节 / Spring Festival'),
	('2026-02-23', 'holiday', '春节 / Spring Festival'),
	('2026-02-28', 'workday', '春节调休上班 / Spring Festival make-up workday'),
	('2026-04-04', 'holiday', '清明节 / Qingming Festival'),
	('2026-04-05', 'holiday', '清明节 / Qingming Festival'),
	('2026-04-06', 'holiday', '清明节 / Qingming Festival'),
	('2026-05-01', 'holiday', '劳动节 / Labour Day'),
	('2026-05-02', 'holiday', '劳动节 / Labour Day'),
	('2026-05-03', 'holiday', '劳动节 / Labour Day'),
	('2026-05-04', 'holiday', '劳动节 / Labour Day'),
	('2026-05-05', 'holiday', '劳动节 / Labour Day'),
	('2026-05-09', 'workday', '劳动节调休上班 / Labour Day make-up workday'),
	('2026-06-19', 'holiday', '端午节 / Dragon Boat Festival'),
	('2026-06-20', 'holiday', '端午节 / Dragon Boat Festival'),
	('2026-06-21', 'holiday', '端午节 / Dragon Boat Festival'),
	('2026-09-20', 'workday', '国庆节调休上班 / National Day make-up workday'),
	('2026-09-25', 'holiday', '中秋节 / Mid-Autumn Festival'),
	('2026-09-26', 'holiday', '中秋节 / Mid-Autumn Festival'),
	('2026-09-27', 'holiday', '中秋节 / Mid-Autumn Festival'),
	('2026-10-01', 'holiday', '国庆节 / National Day'),
	('2026-10-02', 'holiday', '国庆节 / National Day'),
	('2026-10-03', 'holiday', '国庆节 / National Day'),
	('2026-10-04', 'holiday', '国庆节 / National Day'),
	('2026-10-05', 'holiday', '国庆节 / National Day'),
	('2026-10-06', 'holiday', '国庆节 / National Day'),
	('2026-10-07', 'holiday', '国庆节 / National Day'),
	('2026-10-10', 'workday', '国庆节调休上班 / National Day make-up workday')) AS h
WHERE c.name = '中国标准工作日 / China business days'
ON CONFLICT (calendar_id, date) DO NOTHING;
UPDATE calendars SET version = version + 1 WHERE name = '中国标准工作日 / China business days';
