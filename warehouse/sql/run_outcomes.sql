-- The events a run for $as_of sees: on or before that day, each settling event with its label
-- (1 holds up, 0 does not) under the configured verdict mapping. Every event has its claim in
-- `claims` (ingest keeps the others waiting in quarantine); the events of claims published
-- after $as_of (only a misdated event can be) are dropped where the features number the
-- claims (features.build), not by a join with every claim here.
with visible as (
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
-- Who did it, folded, with aliases applied (007_macros.sql): once per spelling
-- (006_by_spellings.sql), then joined to the events.
bys as (
    select by_kind, "by",
           case when by_kind = 'outlet' then aliased('outlet', by_key)
                else aliased('source', by_key) end as by_key
    from main.by_spellings
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
     and b.by_kind = by_kind_of(l.event)
)
select * from final
