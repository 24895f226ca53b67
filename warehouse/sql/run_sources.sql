-- Source names as spelled by the claims visible at $as_of, so that a later spelling never
-- renames a source in an earlier date's scores. A named source's canonical spelling wins
-- over its aliases' spellings, and a name given in `alias add` over both. For an anonymous
-- identity this is its descriptor; the run appends " @ outlet".
with visible as (
    select source_id, source_name, source_key
    from main.claims
    where published_at::date <= $as_of
),
identities as (
    select source_id, identity_key, kind from main.sources
),
named_alias as (
    select target_key, any_value(name) as name
    from main.source_aliases where kind = 'source' group by target_key
),
spelled as (
    select v.source_id, any_value(i.kind) as kind, any_value(i.identity_key) as identity_key,
           coalesce(mode(v.source_name) filter (where 'named:' || v.source_key = i.identity_key),
                    mode(v.source_name)) as name
    from visible as v
    join identities as i using (source_id)
    group by v.source_id
),
final as (
    select s.source_id, s.kind,
           case when s.kind = 'named' then coalesce(a.name, s.name) else s.name end as source
    from spelled as s
    left join named_alias as a on s.kind = 'named' and 'named:' || a.target_key = s.identity_key
)
select * from final
