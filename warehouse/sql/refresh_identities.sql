-- Resolve every claim's identity through the alias table and rebuild sources and outlets.
create or replace temp table resolved_identity as
with source_alias as (
    select alias_key, target_key, name from main.source_aliases where kind = 'source'
),
outlet_alias as (
    select alias_key, target_key, name from main.source_aliases where kind = 'outlet'
),
combos as (
    select distinct source_kind, source_key, outlet_key from main.claims
),
resolved as (
    select c.*,
           coalesce(oa.target_key, c.outlet_key) as resolved_outlet_key,
           case when c.source_kind = 'named' then coalesce(sa.target_key, c.source_key)
                else c.source_key end as resolved_source_key,
           sa.name as alias_name
    from combos as c
    left join outlet_alias as oa on oa.alias_key = c.outlet_key
    left join source_alias as sa on c.source_kind = 'named' and sa.alias_key = c.source_key
),
final as (
    select *,
           case when source_kind = 'named' then 'named:' || resolved_source_key
                else 'anonymous:' || resolved_source_key || '@' || resolved_outlet_key
           end as identity_key
    from resolved
)
select *, 'src-' || left(md5(identity_key), 12) as source_id from final;

update main.claims as c
set source_id = r.source_id
from resolved_identity as r
where c.source_kind = r.source_kind and c.source_key = r.source_key
  and c.outlet_key = r.outlet_key and c.source_id <> r.source_id;

delete from main.outlets;

insert into main.outlets (outlet_key, outlet_id, outlet, claims)
with outlet_alias as (
    select target_key, any_value(name) as name
    from main.source_aliases where kind = 'outlet' group by target_key
),
per_claim as (
    select r.resolved_outlet_key as outlet_key, c.outlet_name, c.outlet_key = r.resolved_outlet_key as own_spelling
    from main.claims as c
    join resolved_identity as r using (source_kind, source_key, outlet_key)
),
final as (
    select p.outlet_key,
           'out-' || left(md5(p.outlet_key), 12) as outlet_id,
           coalesce(any_value(a.name), mode(p.outlet_name) filter (where p.own_spelling),
                    mode(p.outlet_name)) as outlet,
           count(*) as claims
    from per_claim as p
    left join outlet_alias as a on a.target_key = p.outlet_key
    group by p.outlet_key
)
select * from final;

delete from main.sources;

insert into main.sources (source_id, identity_key, source, kind, outlet, claims)
with per_claim as (
    select r.source_id, r.identity_key, r.source_kind as kind, r.resolved_outlet_key,
           r.alias_name, c.source_name, c.source_key = r.resolved_source_key as own_spelling
    from main.claims as c
    join resolved_identity as r using (source_kind, source_key, outlet_key)
),
named_alias as (
    select target_key, any_value(name) as name
    from main.source_aliases where kind = 'source' group by target_key
),
grouped as (
    select source_id, any_value(identity_key) as identity_key, any_value(kind) as kind,
           any_value(resolved_outlet_key) as outlet_key,
           coalesce(mode(source_name) filter (where own_spelling), mode(source_name)) as name,
           count(*) as claims
    from per_claim
    group by source_id
),
final as (
    select g.source_id, g.identity_key,
           case when g.kind = 'anonymous' then g.name || ' @ ' || o.outlet
                else coalesce(a.name, g.name) end as source,
           g.kind,
           case when g.kind = 'anonymous' then o.outlet end as outlet,
           g.claims
    from grouped as g
    left join main.outlets as o on o.outlet_key = g.outlet_key
    left join named_alias as a on g.kind = 'named' and 'named:' || a.target_key = g.identity_key
)
select * from final;
