-- Resolve every stored claim's identity through its spellings and the alias table, and
-- rebuild `sources` and `outlets` (aliases and ids: 007_macros.sql). Claims are counted once
-- by how they name their source and outlet, and those few rows find their keys and names
-- through the spellings (004_spellings.sql): the rest works on them, not on every claim.
create or replace temp table claim_spellings as
with counted as (
    select source, source_kind, outlet, source_id, count(*) as claims
    from main.claims
    group by all
),
final as (
    select c.source, c.source_kind, c.outlet, c.source_id, s.source_key, o.outlet_key,
           s.source_name, o.outlet_name, c.claims
    from counted as c
    join main.source_spellings as s using (source, source_kind)
    join main.outlet_spellings as o using (outlet)
)
select * from final;

create or replace temp table resolved_identity as
with combos as (
    select distinct source_kind, source_key, outlet_key from claim_spellings
),
resolved as (
    select *,
           aliased('outlet', outlet_key) as resolved_outlet_key,
           case when source_kind = 'named' then aliased('source', source_key)
                else source_key end as resolved_source_key,
           identity_key_of(source_kind, source_key, outlet_key) as identity_key
    from combos
),
final as (
    select *, source_id_of(identity_key) as source_id from resolved
)
select * from final;

-- Point the stored claims whose spellings name another source now to it: after an alias was
-- added or removed, a spelling keyed anew (an older trackrecord's rules), or migration 004.
update main.claims as c
set source_id = moved.source_id
from (
    select s.source, s.source_kind, s.outlet, r.source_id
    from claim_spellings as s
    join resolved_identity as r using (source_kind, source_key, outlet_key)
    where s.source_id <> r.source_id
) as moved
where c.source = moved.source and c.source_kind = moved.source_kind and c.outlet = moved.outlet;

-- Rebuild `outlets` and `sources`. A display name is an alias's name, else the identity's
-- own spelling, then the most frequent, then the first alphabetically: deterministic.
delete from main.outlets;

insert into main.outlets (outlet_key, outlet_id, outlet, claims)
with per_spelling as (
    select r.resolved_outlet_key as outlet_key, c.outlet_name,
           c.outlet_key = r.resolved_outlet_key as own_spelling, c.claims
    from claim_spellings as c
    join resolved_identity as r using (source_kind, source_key, outlet_key)
),
spellings as (
    select outlet_key, outlet_name, bool_or(own_spelling) as own_spelling, sum(claims) as claims
    from per_spelling
    group by outlet_key, outlet_name
),
final as (
    select s.outlet_key,
           outlet_id_of(s.outlet_key) as outlet_id,
           coalesce(a.name, s.outlet_name) as outlet,
           sum(s.claims) over (partition by s.outlet_key) as claims
    from spellings as s
    left join alias_names('outlet') as a on a.target_key = s.outlet_key
    qualify row_number() over (
        partition by s.outlet_key order by s.own_spelling desc, s.claims desc, s.outlet_name) = 1
)
select * from final;

delete from main.sources;

insert into main.sources (source_id, identity_key, source, kind, outlet, claims)
with per_spelling as (
    select r.source_id, r.identity_key, r.source_kind as kind, r.resolved_outlet_key,
           r.resolved_source_key, c.source_name,
           c.source_key = r.resolved_source_key as own_spelling, c.claims
    from claim_spellings as c
    join resolved_identity as r using (source_kind, source_key, outlet_key)
),
spellings as (
    select source_id, source_name, any_value(identity_key) as identity_key,
           any_value(kind) as kind, any_value(resolved_source_key) as source_key,
           any_value(resolved_outlet_key) as outlet_key,
           bool_or(own_spelling) as own_spelling, sum(claims) as claims
    from per_spelling
    group by source_id, source_name
),
grouped as (
    select source_id, identity_key, kind, source_key, outlet_key, source_name as name,
           sum(claims) over (partition by source_id) as claims
    from spellings
    qualify row_number() over (
        partition by source_id order by own_spelling desc, claims desc, source_name) = 1
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
    left join alias_names('source') as a on g.kind = 'named' and a.target_key = g.source_key
)
select * from final;
