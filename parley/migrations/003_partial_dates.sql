-- parley schema, version 3: a day and month without a year ("on March 20" in a report that
-- prints no year) is kept as --MM-DD, so the report can still join the event of that day.
ALTER TABLE extractions ADD COLUMN date_partial TEXT;
