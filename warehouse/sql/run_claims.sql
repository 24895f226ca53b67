-- The claims a run for $as_of sees: published on or before that day, identities resolved.
-- A claim's outlet and subject keys come from their spellings (004_spellings.sql), aliases
-- applied (007_macros.sql).
with visible as not materialized (
    -- Read twice (outlet names, then the claims), not materialized: DuckDB would otherwise
    -- copy every visible claim, text and all, to read its outlet names.
    select * from main.claims where published_at::date <= $as_of
),
-- Each spelling of an outlet with its key after aliases.
outlets as (
    select outlet, outlet_key, outlet_name, aliased('outlet', outlet_key) as resolved_outlet_key
    from main.outlet_spellings
),
-- Outlet names as spelled by the claims visible at $as_of (a later spelling never renames
-- an earlier date's outlet); a name given in an alias wins. Claims are counted by spelling
-- first: the rest works on those few rows.
outlet_spellings as (
    select o.resolved_outlet_key, o.outlet_name,
           bool_or(o.outlet_key = o.resolved_outlet_key) as canonical, sum(v.claims) as claims
    from (select outlet, count(*) as claims from visible group by outlet) as v
    join outlets as o using (outlet)
    group by all
),
outlet_names as (
    select o.resolved_outlet_key, coalesce(a.name, o.outlet_name) as outlet
    from outlet_spellings as o
    left join alias_names('outlet') as a on a.target_key = o.resolved_outlet_key
    qualify row_number() over (
        partition by o.resolved_outlet_key order by o.canonical desc, o.claims desc, o.outlet_name) = 1
),
-- The name a run gives each spelling of an outlet, and the key of each subject's spelling
-- after aliases: small tables, each joined once to the claims.
outlet_shown as (
    select o.outlet as given, n.outlet
    from outlets as o
    join outlet_names as n using (resolved_outlet_key)
),
subjects as (
    select subject, aliased('source', subject_key) as subject_key
    from main.subject_spellings
),
final as (
    select c.claim_id,
           c.published_at::date as published,
           c.source_id,
           c.source_kind as kind,
           c.affiliation,
           o.outlet,
           s.subject_key,
           c.text
    from visible as c
    left join outlet_shown as o on o.given = c.outlet
    left join subjects as s on s.subject = c.subject
)
select * from final
