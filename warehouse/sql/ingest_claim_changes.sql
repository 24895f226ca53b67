-- The claims this ingest loads, one row per id, with what loading each does (staged_claims'
-- change), defined once the claims are staged: outcomes are checked against it, and the merge
-- writes it (ingest_merge.sql).
create or replace temp view claim_changes as
select * from (
    select * from staged_claims
    where claim_id is not null
    -- dedupe: the last row for an id in each file wins (skipped when no id repeats: a sort
    -- of every row), even an invalid one: it is quarantined, and no earlier row of its id in
    -- that file loads
    qualify row_number() over (partition by claim_id, file_index order by line desc) = 1
)
where reason is null
-- then the last file's (skipped the same way)
qualify row_number() over (partition by claim_id order by file_index desc) = 1;
