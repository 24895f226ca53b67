-- Source names as spelled by the claims visible at $as_of, so that a later spelling never
-- renames a source in an earlier date's scores. A named source's canonical spelling wins
-- over its aliases' spellings, and a name given in `alias add` over both. For an anonymous
-- identity this is its descriptor; the run appends " @ outlet".
with visible as (
    -- counted by spelling first, which then finds its name and key (source_spellings): the
    -- rest works on those few rows, not on every claim
    select c.source_id, s.source_name, s.source_key, sum(c.claims) as claims
    from (
        select source_id, source, source_kind, count(*) as claims
        from main.claims
        where published_at::date <= $as_of
        group by all
    ) as c
    join main.source_spellings as s using (source, source_kind)
    group by all
),
identities as (
    select source_id, identity_key, kind from main.sources
),
spellings as (
    select v.source_id, v.source_name, i.kind, i.identity_key,
           bool_or('named:' || v.source_key = i.identity_key) as canonical,
           sum(v.claims) as claims
    from visible as v
    join identities as i using (source_id)
    group by all
),
-- The canonical spelling first, then the most frequent, then alphabetical: deterministic.
spelled as (
    select source_id, kind, identity_key, source_name as name
    from spellings
    qualify row_number() over (
        partition by source_id order by canonical desc, claims desc, source_name) = 1
),
final as (
    select s.source_id, s.kind,
           case when s.kind = 'named' then coalesce(a.name, s.name) else s.name end as source
    from spelled as s
    left join alias_names('source') as a
      on s.kind = 'named' and 'named:' || a.target_key = s.identity_key
)
select * from final
