-- A date or date-time as given, in UTC; null when it is not a real one. A plain date is
-- cheap to parse; anything longer may carry an offset to convert. DuckDB also reads words
-- such as 'epoch' and 'infinity' as dates (a date here starts with a digit) and offsets no
-- clock has, such as +99:00 (a real one is at most 14 hours, its minutes under 60), and
-- years of more than four digits or before Christ.
create or replace temp macro moment(given) as (
    -- a year of four digits, and not before Christ (a date-time longer than a date can say
    -- 'BC'): DuckDB also reads '99999-01-01' and '2024-01-01 (BC)', which no run could
    -- place on its calendar
    case when left(given, 1) not between '0' and '9' or substr(given, 5, 1) <> '-' then null
         when length(given) <= 10 then try_cast(given as date)::timestamp
         when regexp_matches(given, '(?i)bc') then null
         -- an offset after a time: 15 hours or more, 14 hours and some minutes, or 60
         -- minutes or more (seconds, if any, after them)
         when regexp_matches(given, '[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]*)?)?[+-]((1[5-9]|[2-9][0-9])(:?[0-9]{2})?|14:?(0[1-9]|[1-5][0-9])|[0-9]{2}:?[6-9][0-9])(:?[0-9]{2})?$')
              then null
         else try_cast(given as timestamptz) at time zone 'UTC' end
);
-- An id as given, without the spaces, tabs and line breaks around it; null when nothing is left
-- (a tab is not an id). An id that starts and ends with anything else is as given: trimming a
-- given set of characters is slow, and is only asked where there may be something to trim.
create or replace temp macro id_text(given) as (
    nullif(case when ascii(given) > 32 and ascii(right(given, 1)) > 32 then given
                else trim(given, ' ' || chr(9) || chr(10) || chr(13)) end, '')
);
-- Staging for one ingest (warehouse/staging.py). Rows of text wait in staged_rows, every
-- contract field as text, to be typed and checked into staged_claims or staged_outcomes; a
-- clean JSON-lines file skips it (ingest_json_file.sql). raw_rows holds rows given as JSON
-- text (JSON lines read line by line, Parquet rows, outcomes waiting in quarantine) until
-- their fields are taken out (ingest_json_text.sql).
create or replace temp table raw_rows (
    file_index    integer,
    file          varchar,
    line          bigint,
    raw           varchar,
    pre_reason    varchar      -- set when the reader itself rejected the row (not UTF-8)
);
create or replace temp table staged_rows (
    file_index    integer,
    file          varchar,
    line          bigint,
    raw           varchar,     -- the row as given
    pre_reason    varchar,     -- set when the reader itself rejected the row (malformed CSV)
    fast          boolean default false,  -- read by DuckDB's JSON reader: no line, no raw
    is_json       boolean default true,
    is_object     boolean default true,
    claim_id varchar, published_at varchar, source varchar, source_kind varchar,
    affiliation varchar, outlet varchar, "text" varchar, subject varchar, story varchar,
    url varchar, event varchar, "at" varchar, "by" varchar, verdict varchar, note varchar
);
-- Claim rows of this ingest, typed, with why each is invalid (reason null = valid) and what
-- loading it would do (change: new, same, changed): ingest_claims.sql.
create or replace temp table staged_claims (
    file_index        integer,
    file              varchar,
    line              bigint,
    raw               varchar,
    fast              boolean,
    claim_id          varchar,
    published_at      timestamp,
    source            varchar,
    source_kind_given varchar,
    affiliation       varchar,
    outlet            varchar,
    "text"            varchar,
    subject           varchar,
    story             varchar,
    url               varchar,
    reason            varchar,
    content_hash      ubigint,
    change            varchar,
    superseded        boolean default false  -- a later row of its id wins (ingest_last_claims.sql)
);
-- Outcome rows of this ingest (and those waiting in quarantine), typed, with a reason and a
-- change, the same way (ingest_outcomes.sql).
create or replace temp table staged_outcomes (
    file_index    integer,
    file          varchar,
    line          bigint,
    raw           varchar,
    fast          boolean,
    was_waiting   boolean,
    claim_id      varchar,
    event         varchar,
    "at"          timestamp,
    "by"          varchar,
    verdict       varchar,
    url           varchar,
    note          varchar,
    published_at  timestamp,
    reason        varchar,
    change        varchar,
    superseded    boolean default false  -- a later row of its key wins (ingest_last_outcomes.sql)
);
-- The claims and outcomes this ingest loads: one row per key.
create or replace temp view claim_changes as
select * from staged_claims where reason is null and not superseded;
create or replace temp view outcome_changes as
select * from staged_outcomes where reason is null and not superseded;
