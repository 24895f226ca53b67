-- The claims a run for $as_of sees: published on or before that day, identities resolved.
with outlet_alias as (
    select alias_key, target_key from main.source_aliases where kind = 'outlet'
),
source_alias as (
    select alias_key, target_key from main.source_aliases where kind = 'source'
),
visible as (
    select c.*, coalesce(oa.target_key, c.outlet_key) as resolved_outlet_key
    from main.claims as c
    left join outlet_alias as oa on oa.alias_key = c.outlet_key
    where c.published_at::date <= $as_of
),
-- Outlet names as spelled by the claims visible at $as_of (a later spelling never renames
-- an earlier date's outlet); a name given in an alias wins.
outlet_names as (
    select v.resolved_outlet_key,
           coalesce(any_value(a.name), mode(v.outlet_name) filter (where v.outlet_key = v.resolved_outlet_key),
                    mode(v.outlet_name)) as outlet
    from visible as v
    left join main.source_aliases as a on a.kind = 'outlet' and a.target_key = v.resolved_outlet_key
    group by v.resolved_outlet_key
),
final as (
    select c.claim_id,
           c.published_at::date as published,
           c.source_id,
           c.source_kind as kind,
           c.affiliation,
           o.outlet,
           coalesce(sa.target_key, c.subject_key) as subject_key,
           c.text
    from visible as c
    left join outlet_names as o using (resolved_outlet_key)
    left join source_alias as sa on sa.alias_key = c.subject_key
)
select * from final
