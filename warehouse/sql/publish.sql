-- Publish one run's scores (dbt-duckdb's microbatch pattern), inside the caller's transaction:
-- the rows of that as-of date are replaced, the run is marked successful, and claim-level
-- history beyond the configured number of as-of dates is dropped.
update main.runs set status = 'replaced' where as_of = $as_of and status = 'success';
delete from main.source_score_rows where as_of = $as_of;
delete from main.claim_score_rows where as_of = $as_of;
delete from main.outlet_score_rows where as_of = $as_of;
insert into main.source_score_rows by name select * from new_source_scores;
insert into main.claim_score_rows by name select * from new_claim_scores;
insert into main.outlet_score_rows by name select * from new_outlet_scores;
insert into main.runs by name select * from new_run;
delete from main.claim_score_rows
where as_of in (
    select as_of from (select distinct as_of from main.claim_score_rows)
    qualify row_number() over (order by as_of desc) > $keep_dates
);
