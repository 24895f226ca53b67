-- 001: claims, outcomes, identities, aliases, quarantine, runs and scores.

-- Free text, ids and an opaque hash gain little from compression and cost much of the time it
-- takes to write claims and outcomes: stored as they are (a storage choice only; the file is
-- larger). The same holds for the claim ids every run writes to claim_score_rows
-- (benchmarks/RESULTS.md).
create table claims (
    claim_id      varchar not null using compression uncompressed,
    published_at  timestamp not null,      -- UTC
    source_id     varchar not null,        -- derived from the identity key, aliases applied
    source        varchar not null,        -- the source as given
    source_kind   varchar not null,        -- named | anonymous (given or inferred)
    source_key    varchar not null,        -- folded name, or descriptor for anonymous sources
    source_name   varchar not null,        -- display: title dropped, or descriptor
    affiliation   varchar,
    outlet        varchar not null,        -- the outlet as given
    outlet_key    varchar not null,        -- folded outlet, before outlet aliases
    outlet_name   varchar not null,        -- display: leading "The" dropped
    text          varchar not null using compression uncompressed,
    subject       varchar,
    subject_key   varchar,                 -- folded subject, compared with outcomes.by_key
    story         varchar,
    url           varchar,
    content_hash  varchar not null using compression uncompressed,  -- update or re-ingest?
    loaded_at     timestamp not null
);

create table outcomes (
    claim_id   varchar not null using compression uncompressed,
    event      varchar not null,           -- confirmed corroborated denied contradicted retracted rated
    "at"       timestamp not null,         -- UTC
    "by"       varchar not null default '',
    by_key     varchar not null default '',
    verdict    varchar,                    -- lower-case word or a number in [0, 1], with `rated`
    url        varchar,
    note       varchar,
    loaded_at  timestamp not null
);

-- One row per identity: a named person or body, or an anonymous descriptor @ outlet. Rebuilt by
-- every ingest, through the write-ahead log: stored uncompressed, its checkpoint as the ingest
-- ends is shorter.
create table sources (
    -- identity_key: named:<name> | anonymous:<descriptor>@<outlet>; source: display name;
    -- outlet: anonymous identities' own
    source_id     varchar not null using compression uncompressed,
    identity_key  varchar not null using compression uncompressed,
    source        varchar not null using compression uncompressed,
    kind          varchar not null using compression uncompressed,
    outlet        varchar using compression uncompressed,
    claims        bigint not null
);

create table outlets (
    outlet_key  varchar not null,          -- folded, aliases applied
    outlet_id   varchar not null,
    outlet      varchar not null,          -- display name
    claims      bigint not null
);

-- Users' merges: alias_key folds to target_key. kind is 'source' or 'outlet'.
create table source_aliases (
    kind        varchar not null,
    alias       varchar not null,
    alias_key   varchar not null,
    name        varchar not null,
    target_key  varchar not null,
    created_at  timestamp not null
);

create table quarantine (
    file            varchar not null,
    line            bigint,
    reason          varchar not null,
    raw             varchar,
    kind            varchar,               -- claims | outcomes
    claim_id        varchar,
    quarantined_at  timestamp not null
);

create table runs (
    run_id       varchar not null,
    as_of        date not null,
    started_at   timestamp not null,
    finished_at  timestamp,
    status       varchar not null,         -- success | failed | replaced
    claims       bigint,
    sources      bigint,
    metrics      json,
    timings      json,
    fingerprint  varchar,
    note         varchar
);

create table source_score_rows (
    run_id            varchar not null,
    as_of             date not null,
    source_id         varchar not null,
    source            varchar,
    kind              varchar,
    affiliation       varchar,
    outlet            varchar,
    reliability       double,
    reliability_low   double,
    reliability_high  double,
    claims            bigint,
    settled           bigint,
    confirmed         bigint,
    refuted           bigint,
    denied            bigint,
    contradicted      bigint,
    rank              bigint,
    "group"           varchar,
    group_reliability double
);

create table claim_score_rows (
    run_id     varchar not null,
    as_of      date not null,
    claim_id   varchar not null using compression uncompressed,
    source_id  varchar not null,
    p_true     double,
    p_model    double,
    label      tinyint
);

create table outlet_score_rows (
    run_id            varchar not null,
    as_of             date not null,
    outlet            varchar not null,
    reliability       double,
    reliability_low   double,
    reliability_high  double,
    claims            bigint,
    rank              bigint
);
