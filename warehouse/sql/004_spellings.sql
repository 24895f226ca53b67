-- 004: how each spelling of a source, outlet and subject is identified, stored once per
-- spelling rather than on every claim.
--
-- The identity rules (warehouse.identity) make a source's key and display name from its
-- spelling and kind alone, an outlet's from its spelling, a subject's key from its spelling.
-- Kept on every claim, these five columns of repeated text cost a good part of the time it
-- takes to write claims; a claim now finds them through its source (with source_kind), outlet
-- and subject. Each ingest writes the spellings of the claims it
-- loads, as its rules identify them.
--
-- Stored uncompressed: these few hundred thousand rows at most go through the write-ahead log
-- and are checkpointed as the ingest ends, where analysing them for compression costs more
-- time than the little space it saves.
create table source_spellings (
    -- as given in claims.source, and claims.source_kind (named | anonymous)
    source       varchar not null using compression uncompressed,
    source_kind  varchar not null using compression uncompressed,
    -- folded name, or descriptor for anonymous sources; display: title dropped, or descriptor
    source_key   varchar not null using compression uncompressed,
    source_name  varchar not null using compression uncompressed
);

create table outlet_spellings (
    outlet       varchar not null using compression uncompressed,  -- as given in claims.outlet
    outlet_key   varchar not null using compression uncompressed,  -- folded, before aliases
    outlet_name  varchar not null using compression uncompressed   -- display: leading "The" dropped
);

create table subject_spellings (
    subject      varchar not null using compression uncompressed,  -- as given in claims.subject
    subject_key  varchar not null using compression uncompressed   -- folded, as outcomes.by_key
);

-- A warehouse loaded before this migration: its claims' spellings as they were identified
-- (the latest loaded where an older trackrecord identified one spelling twice).
insert into source_spellings
select source, source_kind, arg_max(source_key, loaded_at), arg_max(source_name, loaded_at)
from claims group by source, source_kind;

insert into outlet_spellings
select outlet, arg_max(outlet_key, loaded_at), arg_max(outlet_name, loaded_at)
from claims group by outlet;

insert into subject_spellings
select subject, arg_max(subject_key, loaded_at)
from claims where subject is not null and subject_key is not null group by subject;

alter table claims drop column source_key;
alter table claims drop column source_name;
alter table claims drop column outlet_key;
alter table claims drop column outlet_name;
alter table claims drop column subject_key;

-- Each claim with how its source, outlet and subject were identified (before aliases), as the
-- claims table held it before this migration.
create view identified_claims as
select c.claim_id, c.source_id, c.source, c.source_kind, s.source_key, s.source_name,
       c.outlet, o.outlet_key, o.outlet_name, c.subject, j.subject_key
from claims as c
left join source_spellings as s using (source, source_kind)
left join outlet_spellings as o using (outlet)
left join subject_spellings as j using (subject);
