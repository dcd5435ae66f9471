-- 0015: sign-in throttling by account and address with growing delays
-- (auth/throttle.h) instead of a lockout anyone could trigger.  Failures
-- carry milliseconds, since the first delays are one and two seconds;
-- signin_known remembers where an account signed in, so failures from
-- elsewhere do not delay its owner there.
CREATE TABLE signin_failures (
	id INTEGER PRIMARY KEY,
	at_ms INTEGER NOT NULL,
	login TEXT NOT NULL,
	addr TEXT NOT NULL
);
CREATE INDEX signin_failures_pair ON signin_failures (login, addr, at_ms);
CREATE INDEX signin_failures_addr ON signin_failures (addr, at_ms);
CREATE INDEX signin_failures_at ON signin_failures (at_ms);

CREATE TABLE signin_known (
	login TEXT NOT NULL,
	addr TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (login, addr)
);
