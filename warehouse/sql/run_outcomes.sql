-- The events a run for $as_of sees: on or before that day, each settling event with its label
-- (1 holds up, 0 does not) under the configured verdict mapping. Every event has its claim in
-- `claims` (ingest keeps the others waiting in quarantine); the events of claims published
-- after $as_of (only a misdated event can be) are dropped where the features number the
-- claims (features.build), not by a join with every claim here.
with outlet_alias as (
    select alias_key, target_key from main.source_aliases where kind = 'outlet'
),
source_alias as (
    select alias_key, target_key from main.source_aliases where kind = 'source'
),
visible as (
    select o.*
    from main.outcomes as o
    where o."at"::date <= $as_of
),
labelled as (
    select *,
           case event
               when 'confirmed' then 1
               when 'retracted' then 0
               when 'rated' then case
                   when list_contains($holds_up, verdict) then 1
                   when list_contains($fails, verdict) then 0
                   when try_cast(verdict as double) is not null
                       then (try_cast(verdict as double) >= $threshold)::int
               end
           end::tinyint as label
    from visible
),
-- Who did it, folded, with aliases applied: once per spelling (006_by_spellings.sql), then
-- joined to the events.
bys as (
    select s.by_kind, s."by",
           case when s.by_kind = 'outlet' then coalesce(oa.target_key, s.by_key)
                else coalesce(sa.target_key, s.by_key) end as by_key
    from main.by_spellings as s
    left join outlet_alias as oa on s.by_kind = 'outlet' and oa.alias_key = s.by_key
    left join source_alias as sa on s.by_kind = 'person' and sa.alias_key = s.by_key
),
final as (
    select l.claim_id,
           l.event,
           l."at"::date as "at",
           coalesce(b.by_key, '') as by_key,
           l.label
    from labelled as l
    left join bys as b
      on b."by" = l."by"
     and b.by_kind = case when l.event = 'corroborated' then 'outlet' else 'person' end
)
select * from final
