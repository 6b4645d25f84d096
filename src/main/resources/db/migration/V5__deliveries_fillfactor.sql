-- Room on each page for a row's next version: the claim rewrites a delivery without touching an
-- indexed column, which PostgreSQL can then do as a HOT update (no new entry in the table's six
-- indexes) as long as the new version fits on the same page.
ALTER TABLE deliveries SET (fillfactor = 80);
