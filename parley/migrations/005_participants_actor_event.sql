-- parley schema, version 5: the events of each actor, read from an index alone. Counting an
-- actor's distinct events (the actor list and search, an actor's page, the actor filter) needs
-- only (actor_id, event_id); with both in one index PostgreSQL can answer from the index
-- (an index-only scan) instead of fetching each participant row from the table.
CREATE INDEX participants_actor_event ON participants (actor_id, event_id);
