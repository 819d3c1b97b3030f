-- User ids (token subjects, assignees, readers) are limited to 64 characters, counted in Unicode code
-- points like every text limit. PostgreSQL's VARCHAR(n) counts code points, but H2 counts UTF-16 units,
-- so 33 emoji (66 units) failed on H2 with a 500 while PostgreSQL stored them. Twice the limit holds
-- any 64 code points on both (at most two UTF-16 units each), as the other text columns already do.
-- Widening a VARCHAR is a catalogue change on PostgreSQL (no table rewrite).
ALTER TABLE tickets ALTER COLUMN farmer_id SET DATA TYPE VARCHAR(128);
ALTER TABLE tickets ALTER COLUMN assignee_id SET DATA TYPE VARCHAR(128);
ALTER TABLE messages ALTER COLUMN sender_id SET DATA TYPE VARCHAR(128);
ALTER TABLE read_marks ALTER COLUMN reader_id SET DATA TYPE VARCHAR(128);
ALTER TABLE events ALTER COLUMN farmer_id SET DATA TYPE VARCHAR(128);
