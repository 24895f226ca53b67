-- When an id repeats among the staged claims, the last row wins, and the others are marked
-- superseded (claim_changes leaves them out). In one file the last row for an id wins even
-- when it is invalid: it is quarantined, and no earlier row of its id in that file loads.
update staged_claims set superseded = true
where rowid in (
    select rowid from staged_claims
    where claim_id is not null
    qualify row_number() over (partition by claim_id, file_index order by line desc) > 1
);

-- Then, among the valid rows left, the last file's.
update staged_claims set superseded = true
where rowid in (
    select rowid from staged_claims
    where reason is null and not superseded
    qualify row_number() over (partition by claim_id order by file_index desc) > 1
);
