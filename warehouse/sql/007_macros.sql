-- 007: the identity rules that ingest, the identity refresh and a run's reads share, defined
-- once. Macros live in the warehouse: a read-only connection uses them too.

-- The key that an alias of `alias_kind` ('source' or 'outlet') points `key` to; else `key`.
create or replace macro aliased(alias_kind, key) as coalesce(
    (select a.target_key from main.source_aliases as a
     where a.kind = alias_kind and a.alias_key = key),
    key
);

-- The names given in `alias add` for each target key of `alias_kind` (the first, if several).
create or replace macro alias_names(alias_kind) as table
select target_key, min(name) as name
from main.source_aliases
where kind = alias_kind
group by target_key;

-- Who a source is, aliases applied: a named source is its name; an anonymous one is its
-- descriptor at the outlet that vouches for it (design.md, "Sources and identity").
create or replace macro identity_key_of(kind, source_key, outlet_key) as
    case when kind = 'named' then 'named:' || aliased('source', source_key)
         else 'anonymous:' || source_key || '@' || aliased('outlet', outlet_key) end;

-- Ids derived from the folded keys, so the same source or outlet keeps its id across runs.
create or replace macro source_id_of(identity_key) as 'src-' || left(md5(identity_key), 12);

create or replace macro outlet_id_of(outlet_key) as 'out-' || left(md5(outlet_key), 12);

-- Who did an outcome: the outlet that corroborated the claim, else a person (the denier, the
-- contradicting source, the fact-checker).
create or replace macro by_kind_of(event) as
    case when event = 'corroborated' then 'outlet' else 'person' end;
