-- What the staged rows would do to the warehouse, written to temp tables only: a dry run
-- stops here and reports ingest_counts; an ingest then runs ingest_write.sql.
-- The claims to write with their identities: source_identities, outlet_identities and
-- subject_keys come from Polars (warehouse.identity, on distinct values); aliases apply
-- (007_macros.sql).
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
),
final as (
    select *, source_id_of(identity_key_of(source_kind, source_key, outlet_key)) as source_id
    from identified
)
select * from final;

create or replace temp table quarantine_new as
with rejected as (
    select file, line, reason, raw, 'claims' as kind, claim_id, false as was_waiting
    from staged_claims
    where reason is not null
    union all
    select file, line, reason, raw, 'outcomes' as kind, claim_id, was_waiting
    from staged_outcomes
    where reason is not null
),
final as (
    select distinct on (file, line, raw) * from rejected
)
select * from final;

-- Outcomes in the warehouse dated on a day before the new publication date of their claim,
-- changed by this ingest: they no longer hold (an outcome cannot precede its claim) and move
-- to quarantine, as the JSON of their fields, to load again if the date changes back. One
-- given again in this ingest (restaged) is checked, and held, as given.
create or replace temp table outcomes_now_early as
with changed as (
    select claim_id, file, published_at from claim_changes where change = 'changed'
),
early as (
    select o.*, c.file, c.published_at
    from main.outcomes as o
    join changed as c using (claim_id)
    where o."at"::date < c.published_at::date
),
restaged as (
    select distinct claim_id, event, "at", "by"
    from staged_outcomes
    where claim_id in (select claim_id from changed)
),
final as (
    select e.claim_id, e.file,
           $early || ' (' || strftime(e."at", '%Y-%m-%d') || ' < '
               || strftime(e.published_at, '%Y-%m-%d') || '; the claim''s date was changed)'
               as reason,
           to_json({claim_id: e.claim_id, event: e.event, "at": e."at"::varchar,
                    "by": nullif(e."by", ''), verdict: e.verdict, url: e.url, note: e.note}
           )::varchar as raw,
           e.event, e."at", e."by",
           r.claim_id is not null as restaged
    from early as e
    left join restaged as r using (claim_id, event, "at", "by")
)
select * from final;

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
