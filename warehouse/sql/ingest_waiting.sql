-- Outcomes waiting in quarantine for their claim, and those held as dated before their
-- claim's publication when this ingest changes that claim, join this ingest as file_index -1,
-- to be checked again like any row.
insert into raw_rows (file_index, file, line, raw)
select -1, file, line, raw
from main.quarantine
where reason = $waiting
   or (kind = 'outcomes' and starts_with(reason, $early)
       and claim_id in (select claim_id from claim_changes where change = 'changed'));
