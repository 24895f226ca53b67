-- Classify staged rows against the warehouse, then write them. Statements marked
-- "-- write" are skipped by a dry run; the rest only build temp tables.
create or replace temp table claim_changes as
with valid as (
    select * from staged_claims where reason is null
    -- dedupe: the last row for an id wins (skipped when no id repeats: a sort of every row)
    qualify row_number() over (partition by claim_id order by file_index desc, line desc) = 1
),
hashed as (
    -- DuckDB's 64-bit hash tells a changed claim from a re-ingest; should a DuckDB upgrade
    -- change it, a re-ingest reports claims as updated once, and loses nothing.
    select *,
           hash(published_at, source, source_kind_given, affiliation, outlet, "text", subject,
                story, url)::varchar as content_hash
    from valid
),
final as (
    select h.*,
           case when c.claim_id is null then 'new'
                when c.content_hash = h.content_hash then 'same'
                else 'changed' end as change
    from hashed as h
    left join main.claims as c using (claim_id)
)
select * from final;

create or replace temp table outcome_changes as
with valid as (
    select * from staged_outcomes where reason is null
    -- dedupe: the last row for a key wins (skipped when no key repeats)
    qualify row_number() over (partition by claim_id, event, "at", "by" order by was_waiting, file_index desc, line desc) = 1
),
final as (
    select v.*,
           case when o.claim_id is null then 'new'
                when o.verdict is not distinct from v.verdict and o.url is not distinct from v.url
                     and o.note is not distinct from v.note then 'same'
                else 'changed' end as change
    from valid as v
    left join main.outcomes as o
      on o.claim_id = v.claim_id and o.event = v.event and o."at" = v."at" and o."by" = v."by"
)
select * from final;

create or replace temp table quarantine_new as
with rejected as (
    select file, line, reason, raw, 'claims' as kind, claim_id from staged_claims
    where reason is not null
    union all
    select file, line, reason, raw, 'outcomes' as kind, claim_id from staged_outcomes
    where reason is not null
),
final as (
    select distinct on (file, line, raw) * from rejected
)
select * from final;

create or replace temp table ingest_counts as
select
    (select count(*) from claim_changes where change = 'new') as claims_loaded,
    (select count(*) from claim_changes where change = 'changed') as claims_updated,
    (select count(*) from claim_changes where change = 'same') as claims_unchanged,
    (select count(*) from outcome_changes where change = 'new' and not was_waiting) as outcomes_loaded,
    (select count(*) from outcome_changes where change = 'changed') as outcomes_updated,
    (select count(*) from outcome_changes where change = 'same') as outcomes_unchanged,
    (select count(*) from outcome_changes where change = 'new' and was_waiting) as released,
    (select count(*) from quarantine_new where reason <> $waiting) as quarantined,
    (select count(*) from staged_outcomes where reason = $waiting and not was_waiting) as waiting;

-- write
delete from main.claims
where claim_id in (select claim_id from claim_changes where change = 'changed');

-- write
insert into main.claims (claim_id, published_at, source_id, source, source_kind, source_key,
                         source_name, affiliation, outlet, outlet_key, outlet_name, text, subject,
                         subject_key, story, url, content_hash, loaded_at)
select claim_id, published_at, source_id, source, source_kind, source_key, source_name, affiliation,
       outlet, outlet_key, outlet_name, text, subject, subject_key, story, url, content_hash,
       now()::timestamp
from claim_changes
where change <> 'same';

-- write
delete from main.outcomes as o
using outcome_changes as c
where c.change = 'changed' and o.claim_id = c.claim_id and o.event = c.event
  and o."at" = c."at" and o."by" = c."by";

-- write
insert into main.outcomes (claim_id, event, "at", "by", by_key, verdict, url, note, loaded_at)
select claim_id, event, "at", "by", by_key, verdict, url, note, now()::timestamp
from outcome_changes
where change <> 'same';

-- write
delete from main.quarantine as q
where q.reason = $waiting
  and not exists (
      select 1 from quarantine_new as n
      where n.reason = $waiting and n.file = q.file and n.line is not distinct from q.line
        and n.raw is not distinct from q.raw
  );

-- write
insert into main.quarantine (file, line, reason, raw, kind, claim_id, quarantined_at)
select q.file, q.line, q.reason, q.raw, q.kind, q.claim_id, now()::timestamp
from quarantine_new as q
where not exists (
    select 1 from main.quarantine as x
    where x.file = q.file and x.line is not distinct from q.line and x.raw is not distinct from q.raw
);
