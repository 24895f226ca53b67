-- The rows a typing statement (ingest_claims.sql, ingest_outcomes.sql) reads: every row
-- waiting in staged_rows (CSV rows, rows given as JSON text). Emptied once typed.
create or replace temp view file_rows as
select * from staged_rows;
