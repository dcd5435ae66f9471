-- 0014: the next-response clock remembers when it was answered (it was
-- computed but not stored, so a reply never stopped it after a reload).
ALTER TABLE ticket_sla ADD COLUMN next_done_at BIGINT NOT NULL DEFAULT 0;
