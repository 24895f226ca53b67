-- The claims a run for $as_of sees: published on or before that day, identities resolved.
with outlet_alias as (
    select alias_key, target_key from main.source_aliases where kind = 'outlet'
),
source_alias as (
    select alias_key, target_key from main.source_aliases where kind = 'source'
),
visible as (
    select * from main.claims where published_at::date <= $as_of
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
    left join outlet_alias as oa on oa.alias_key = c.outlet_key
    left join main.outlets as o on o.outlet_key = coalesce(oa.target_key, c.outlet_key)
    left join source_alias as sa on sa.alias_key = c.subject_key
)
select * from final
