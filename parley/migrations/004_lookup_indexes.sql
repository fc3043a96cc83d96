-- parley schema, version 4: indexes for looking rows up by their owner in a large store
-- (a page of events fetches its participants and evidence by key, not by scanning).
CREATE INDEX participants_event ON participants (event_id);
CREATE INDEX evidence_owner ON evidence (owner_id);
CREATE INDEX extraction_participants_event ON extraction_participants (event_id);
CREATE INDEX positions_speaker ON positions (speaker_id);
