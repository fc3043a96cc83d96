-- parley schema, version 1: documents, actors, events, participants, evidence, positions.
-- Dates are ISO text (YYYY, YYYY-MM or YYYY-MM-DD) so partial dates keep their precision.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,            -- sha256 of the cleaned text
    source TEXT NOT NULL,
    url TEXT,
    title TEXT,
    published TEXT,
    outlet TEXT,
    authors TEXT,                   -- JSON array
    dateline_place TEXT,
    dateline_date TEXT,
    warnings TEXT,                  -- JSON array
    text TEXT NOT NULL,
    ingested_at TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT,
    aliases TEXT,                   -- JSON array
    roles TEXT,                     -- JSON array of {title, key, organization, start, end}
    known BOOLEAN
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
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
    confidence DOUBLE,
    cameo TEXT,
    plover TEXT                     -- JSON {event, mode}
);
CREATE TABLE participants (
    event_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (event_id, actor_id, role)
);
CREATE TABLE positions (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    speaker_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    date TEXT,
    text TEXT,
    stance TEXT,
    quote TEXT
);
CREATE TABLE evidence (
    owner_id TEXT NOT NULL,         -- an event or a position
    document_id TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    text TEXT,
    PRIMARY KEY (owner_id, document_id, start_offset)
);
CREATE INDEX events_date ON events (date);
CREATE INDEX participants_actor ON participants (actor_id);
CREATE INDEX evidence_document ON evidence (document_id);
