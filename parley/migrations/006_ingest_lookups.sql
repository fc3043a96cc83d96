-- parley schema, version 6: lookups an ingest makes for every batch, by key instead of a scan
-- in a large store: near-duplicate candidates by band hash, documents already stored by source.
CREATE INDEX document_bands_hash ON document_bands (hash);
CREATE INDEX documents_source ON documents (source);
