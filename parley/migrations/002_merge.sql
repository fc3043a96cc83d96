-- parley schema, version 2: one row per real-world event.
-- What each document says becomes an "extraction"; extractions that report the same
-- real event are merged into one canonical event (parley/merge.py), with sources,
-- reconciled fields, recorded conflicts and the reason each extraction was joined.
DROP INDEX events_date;
DROP INDEX participants_actor;
ALTER TABLE events RENAME TO extractions;
ALTER TABLE participants RENAME TO extraction_participants;
ALTER TABLE extractions ADD COLUMN event_id TEXT;
ALTER TABLE extractions ADD COLUMN join_reason TEXT;
CREATE INDEX extractions_event ON extractions (event_id);
CREATE INDEX extraction_participants_actor ON extraction_participants (actor_id);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    date TEXT,
    date_precision TEXT,
    date_basis TEXT,
    venue TEXT,
    city TEXT,
    country TEXT,
    format TEXT,
    status TEXT,
    mechanism TEXT,
    ordinal INTEGER,
    series_id TEXT,
    confidence DOUBLE,
    cameo TEXT,
    plover TEXT,
    conflicts TEXT,                 -- JSON [{field, values: {value: [document ids]}}]
    linked_to TEXT,                 -- a planned event: the event that then happened
    n_sources INTEGER               -- distinct reports, near-duplicate copies counted once
);
CREATE TABLE participants (
    event_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (event_id, actor_id, role)
);
CREATE INDEX events_date ON events (date);
CREATE INDEX participants_actor ON participants (actor_id);
ALTER TABLE documents ADD COLUMN minhash TEXT;
ALTER TABLE documents ADD COLUMN duplicate_of TEXT;
CREATE TABLE document_bands (
    band INTEGER NOT NULL,
    hash TEXT NOT NULL,
    document_id TEXT NOT NULL,
    PRIMARY KEY (band, hash, document_id)
);
CREATE TABLE series (
    id TEXT PRIMARY KEY,
    name TEXT,
    countries TEXT,
    kind TEXT
);
