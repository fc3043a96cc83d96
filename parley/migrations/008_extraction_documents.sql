-- parley schema, version 8: the extractions of a document by key. The actor filter finds the
-- sessions an actor addressed by letter from the actor's sent messages (by actor, then by
-- document), instead of joining every session with every message.
CREATE INDEX extractions_document ON extractions (document_id);
