-- Fast-read files that must be read again line by line: a row is invalid or waiting (its
-- raw text and line number go to quarantine), or a key repeats (the last row must win).
with claim_files as (
    select file_index from staged_claims
    where fast
    group by file_index
    having count(*) filter (where reason is not null) > 0
        or count(distinct claim_id) < count(*)
),
outcome_files as (
    select file_index from staged_outcomes
    where fast and not was_waiting
    group by file_index
    having count(*) filter (where reason is not null) > 0
        or count(distinct hash(claim_id, event, "at", "by")) < count(*)
)
select file_index from claim_files
union
select file_index from outcome_files
