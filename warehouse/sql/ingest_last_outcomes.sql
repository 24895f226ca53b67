-- When a key (claim_id, event, "at", "by") repeats among the valid staged outcomes, the last
-- row given wins (a row checked again from quarantine loses to one given now), and the others
-- are marked superseded (outcome_changes leaves them out).
update staged_outcomes set superseded = true
where rowid in (
    select rowid from staged_outcomes
    where reason is null
    qualify row_number() over (
        partition by claim_id, event, "at", "by"
        order by was_waiting, file_index desc, line desc) > 1
);
