-- Write what ingest_classify.sql found, inside the ingest's transaction: claims and outcomes
-- inserted or updated, the spellings this ingest identified, quarantine updated.
delete from main.claims
where claim_id in (select claim_id from claim_changes where change = 'changed');

insert into main.claims (claim_id, published_at, source_id, source, source_kind, affiliation,
                         outlet, text, subject, story, url, content_hash, loaded_at)
select claim_id, published_at, source_id, source, source_kind, affiliation, outlet, text, subject,
       story, url, content_hash, now()::timestamp
from claim_rows
where change <> 'same';

-- How this ingest identified the spellings of its claims (004_spellings.sql): each replaces
-- what an earlier ingest said of the same spelling.
delete from main.source_spellings as s
using source_identities as i
where s.source = i.source and s.source_kind = i.kind;

insert into main.source_spellings (source, source_kind, source_key, source_name)
select distinct source, kind, source_key, source_display from source_identities;

delete from main.outlet_spellings as s
using outlet_identities as i
where s.outlet = i.outlet;

insert into main.outlet_spellings (outlet, outlet_key, outlet_name)
select outlet, outlet_key, outlet_display from outlet_identities;

delete from main.subject_spellings as s
using subject_keys as k
where s.subject = k.subject;

insert into main.subject_spellings (subject, subject_key)
select subject, subject_key from subject_keys where subject_key is not null;

delete from main.outcomes as o
using outcome_changes as c
where c.change = 'changed' and o.claim_id = c.claim_id and o.event = c.event
  and o."at" = c."at" and o."by" = c."by";

insert into main.outcomes (claim_id, event, "at", "by", verdict, url, note, loaded_at)
select claim_id, event, "at", "by", verdict, url, note, now()::timestamp
from outcome_changes
where change <> 'same';

-- Who did this ingest's outcomes, folded (006_by_spellings.sql), replacing what an earlier
-- ingest said of the same spelling.
delete from main.by_spellings as s
using by_identities as i
where s.by_kind = i.by_kind and s."by" = i."by";

insert into main.by_spellings (by_kind, "by", by_key)
select by_kind, "by", by_key from by_identities;

-- Held rows checked again by this ingest (staged as file_index -1) that did not fail again.
delete from main.quarantine as q
where (q.reason = $waiting
       or (q.kind = 'outcomes' and starts_with(q.reason, $early)
           and q.claim_id in (select claim_id from claim_changes where change = 'changed')))
  and not exists (
      select 1 from quarantine_new as n
      where n.reason = $waiting and n.file = q.file and n.line is not distinct from q.line
        and n.raw is not distinct from q.raw
  );

delete from main.quarantine as q
using quarantine_resolved as r
where q.file = r.file and q.line is not distinct from r.line and q.raw is not distinct from r.raw
  and q.kind = 'claims';

insert into main.quarantine (file, line, reason, raw, kind, claim_id, quarantined_at)
select q.file, q.line, q.reason, q.raw, q.kind, q.claim_id, now()::timestamp
from quarantine_new as q
where not exists (
    select 1 from main.quarantine as x
    where x.file = q.file and x.line is not distinct from q.line and x.raw is not distinct from q.raw
);

delete from main.outcomes as o
using outcomes_now_early as e
where o.claim_id = e.claim_id and o.event = e.event and o."at" = e."at" and o."by" = e."by";

-- (after the checks above, which must not take these rows for rows checked again)
insert into main.quarantine (file, line, reason, raw, kind, claim_id, quarantined_at)
select file, null, reason, raw, 'outcomes', claim_id, now()::timestamp
from outcomes_now_early
where not restaged;
