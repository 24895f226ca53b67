-- 006: who did an outcome, folded (by_key), stored once per spelling of `by` rather than on
-- every outcome, as 004 did for claims: the folded name of the person who denied or
-- contradicted a claim (or confirmed, retracted or rated it), the folded outlet that
-- corroborated it: no column of repeated text to write, no join to fold it. Stored
-- uncompressed, as the spellings of 004.
create table by_spellings (
    -- outlet: the `by` of a corroboration; person: any other event's
    by_kind  varchar not null using compression uncompressed,
    "by"     varchar not null using compression uncompressed,  -- as given in outcomes."by"
    by_key   varchar not null using compression uncompressed
);

-- A warehouse loaded before this migration: its outcomes' spellings as they were folded (the
-- latest loaded where an older trackrecord folded one spelling twice).
insert into by_spellings
select case when event = 'corroborated' then 'outlet' else 'person' end as by_kind, "by",
       arg_max(by_key, loaded_at)
from outcomes where "by" <> '' group by all;

alter table outcomes drop column by_key;

-- Each outcome with who did it, folded (before aliases), as the outcomes table held it before
-- this migration.
create view identified_outcomes as
select o.claim_id, o.event, o."at", o."by", coalesce(s.by_key, '') as by_key
from outcomes as o
left join by_spellings as s
  on s."by" = o."by" and s.by_kind = case when o.event = 'corroborated' then 'outlet' else 'person' end;
