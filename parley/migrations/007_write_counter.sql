-- parley schema, version 7: a count of write transactions. A writer keeps the merge rows of the
-- events it wrote between its transactions; a count other than its own last one means another
-- writer has been here, and what it kept is dropped.
CREATE TABLE store_state (id INTEGER PRIMARY KEY, writes BIGINT NOT NULL);
INSERT INTO store_state VALUES (1, 0);
