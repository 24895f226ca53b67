-- Classify staged rows against the warehouse, then write them. Statements marked
-- "-- write" are skipped by a dry run; the rest only build temp tables.
-- Views, not copies: staged_claims and staged_outcomes already say what each row would do
-- (claim_changes, the claims this ingest loads, is ingest_claim_changes.sql).
-- The claims to write with their identities: source_identities, outlet_identities and
-- subject_keys come from Polars (warehouse.identity, on distinct values), aliases apply.
create or replace temp view claim_rows as
with identified as (
    select c.*,
           i.kind as source_kind, i.source_key, i.source_display as source_name,
           o.outlet_key, o.outlet_display as outlet_name, k.subject_key
    from claim_changes as c
    left join source_identities as i
      on i.source = c.source and coalesce(i.source_kind, '') = coalesce(c.source_kind_given, '')
    left join outlet_identities as o on o.outlet = c.outlet
    left join subject_keys as k on k.subject = c.subject
)
select s.*,
       'src-' || left(md5(case
           when s.source_kind = 'named' then 'named:' || coalesce(sa.target_key, s.source_key)
           else 'anonymous:' || s.source_key || '@' || coalesce(oa.target_key, s.outlet_key)
       end), 12) as source_id
from identified as s
left join main.source_aliases as sa
  on sa.kind = 'source' and s.source_kind = 'named' and sa.alias_key = s.source_key
left join main.source_aliases as oa on oa.kind = 'outlet' and oa.alias_key = s.outlet_key;

create or replace temp view outcome_changes as
select * from staged_outcomes
where reason is null
-- dedupe: the last row for a key wins (skipped when no key repeats)
qualify row_number() over (partition by claim_id, event, "at", "by" order by was_waiting, file_index desc, line desc) = 1;

create or replace temp table quarantine_new as
with rejected as (
    select file, line, reason, raw, 'claims' as kind, claim_id, false as was_waiting
    from staged_claims
    where reason is not null
    union all
    select file, line, reason, raw, 'outcomes' as kind, claim_id, was_waiting from staged_outcomes
    where reason is not null
),
final as (
    select distinct on (file, line, raw) * from rejected
)
select * from final;

-- Outcomes in the warehouse dated on a day before the new publication date of their claim,
-- changed by this ingest: they no longer hold (an outcome cannot precede its claim) and move
-- to quarantine, as the JSON of their fields, to load again if the date changes back.
create or replace temp table outcomes_now_early as
select o.claim_id, c.file,
       $early || ' (' || strftime(o."at", '%Y-%m-%d') || ' < '
           || strftime(c.published_at, '%Y-%m-%d') || '; the claim''s date was changed)' as reason,
       to_json({claim_id: o.claim_id, event: o.event, "at": o."at"::varchar,
                "by": nullif(o."by", ''), verdict: o.verdict, url: o.url, note: o.note})::varchar as raw,
       o.event, o."at", o."by",
       -- given again in this ingest: the row as given is checked (and held) by the staging
       -- (a lookup in every staged outcome, left out when no claim changed: then no row
       -- is early, and DuckDB would still build it)
       exists (select 1 from staged_outcomes as s where s.claim_id = o.claim_id and s.event = o.event and s."at" = o."at" and s."by" = o."by") as restaged
from main.outcomes as o
join claim_changes as c on c.change = 'changed' and c.claim_id = o.claim_id
where o."at"::date < c.published_at::date;

-- Claim rows quarantined before, from a file of the same name, whose claim loads from it now:
-- the row was fixed, and leaves quarantine (unless the file still holds it as it was).
create or replace temp table quarantine_resolved as
select q.file, q.line, q.raw
from main.quarantine as q
where q.kind = 'claims' and q.reason <> $waiting and q.claim_id is not null
  and exists (select 1 from claim_changes as c where c.file = q.file and c.claim_id = q.claim_id)
  and not exists (
      select 1 from quarantine_new as n
      where n.file = q.file and n.line is not distinct from q.line
        and n.raw is not distinct from q.raw
  );

create or replace temp table ingest_counts as
with claim_counts as (
    select count(*) filter (where change = 'new') as claims_loaded,
           count(*) filter (where change = 'changed') as claims_updated,
           count(*) filter (where change = 'same') as claims_unchanged
    from claim_changes
),
outcome_counts as (
    select count(*) filter (where change = 'new' and not was_waiting) as outcomes_loaded,
           count(*) filter (where change = 'changed') as outcomes_updated,
           count(*) filter (where change = 'same') as outcomes_unchanged,
           count(*) filter (where change = 'new' and was_waiting) as released
    from outcome_changes
),
held as (
    -- (an outcome held as early and checked again, early still, is not held anew)
    select count(*) filter (where reason <> $waiting
                              and not (was_waiting and starts_with(reason, $early)))
           + (select count(*) from outcomes_now_early where not restaged) as quarantined
    from quarantine_new
),
resolved as (
    select count(*) as resolved from quarantine_resolved
),
waiting as (
    select count(*) as waiting from staged_outcomes where reason = $waiting and not was_waiting
)
select * from claim_counts, outcome_counts, held, resolved, waiting;

-- write
delete from main.claims
where claim_id in (select claim_id from claim_changes where change = 'changed');

-- write
insert into main.claims (claim_id, published_at, source_id, source, source_kind, affiliation,
                         outlet, text, subject, story, url, content_hash, loaded_at)
select claim_id, published_at, source_id, source, source_kind, affiliation, outlet, text, subject,
       story, url, content_hash, now()::timestamp
from claim_rows
where change <> 'same';

-- write
-- How this ingest identified the spellings of its claims (004_spellings.sql): each replaces
-- what an earlier ingest said of the same spelling.
delete from main.source_spellings as s
using source_identities as i
where s.source = i.source and s.source_kind = i.kind;

-- write
insert into main.source_spellings (source, source_kind, source_key, source_name)
select distinct source, kind, source_key, source_display from source_identities;

-- write
delete from main.outlet_spellings as s
using outlet_identities as i
where s.outlet = i.outlet;

-- write
insert into main.outlet_spellings (outlet, outlet_key, outlet_name)
select outlet, outlet_key, outlet_display from outlet_identities;

-- write
delete from main.subject_spellings as s
using subject_keys as k
where s.subject = k.subject;

-- write
insert into main.subject_spellings (subject, subject_key)
select subject, subject_key from subject_keys where subject_key is not null;

-- write
delete from main.outcomes as o
using outcome_changes as c
where c.change = 'changed' and o.claim_id = c.claim_id and o.event = c.event
  and o."at" = c."at" and o."by" = c."by";

-- write
insert into main.outcomes (claim_id, event, "at", "by", verdict, url, note, loaded_at)
select claim_id, event, "at", "by", verdict, url, note, now()::timestamp
from outcome_changes
where change <> 'same';

-- write
-- Who did this ingest's outcomes, folded (006_by_spellings.sql), replacing what an earlier
-- ingest said of the same spelling.
delete from main.by_spellings as s
using by_identities as i
where s.by_kind = i.by_kind and s."by" = i."by";

-- write
insert into main.by_spellings (by_kind, "by", by_key)
select by_kind, "by", by_key from by_identities;

-- write
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

-- write
delete from main.quarantine as q
using quarantine_resolved as r
where q.file = r.file and q.line is not distinct from r.line and q.raw is not distinct from r.raw
  and q.kind = 'claims';

-- write
insert into main.quarantine (file, line, reason, raw, kind, claim_id, quarantined_at)
select q.file, q.line, q.reason, q.raw, q.kind, q.claim_id, now()::timestamp
from quarantine_new as q
where not exists (
    select 1 from main.quarantine as x
    where x.file = q.file and x.line is not distinct from q.line and x.raw is not distinct from q.raw
);

-- write
delete from main.outcomes as o
using outcomes_now_early as e
where o.claim_id = e.claim_id and o.event = e.event and o."at" = e."at" and o."by" = e."by";

-- write
-- (after the checks above, which must not take these rows for rows checked again)
insert into main.quarantine (file, line, reason, raw, kind, claim_id, quarantined_at)
select file, null, reason, raw, 'outcomes', claim_id, now()::timestamp
from outcomes_now_early
where not restaged;
