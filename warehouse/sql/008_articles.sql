-- 008: articles as input (design.md, "Input: articles"). Each ingested article, where each
-- extracted claim came from (so `explain` can show its sentence), which article reported each
-- extracted event (so an edited article can take back the events it no longer reports), and
-- the links extraction was unsure of, waiting for a person (`trackrecord review`).

create table articles (
    article_id    varchar primary key,
    published_at  varchar not null,         -- as given: a date or a datetime
    outlet        varchar not null,
    title         varchar,
    url           varchar,
    story         varchar,
    file          varchar,                  -- the file it was last ingested from
    content_hash  ubigint not null,         -- of every field above but file: an edit changes it
    ingested_at   timestamp not null
);

create table claim_origins (
    claim_id       varchar primary key,
    article_id     varchar not null,
    sentence       varchar not null,
    source_spans   varchar,                 -- JSON [[start, end), ...] code points into the text
    cue_spans      varchar,
    content_spans  varchar
);

create table event_origins (
    claim_id    varchar not null,
    event       varchar not null,
    "at"        varchar not null,
    "by"        varchar not null,           -- '' when nobody is named, as in outcomes
    article_id  varchar not null,
    primary key (claim_id, event, "at", "by", article_id)
);

create table review_links (
    link_id         varchar primary key,    -- ANSWER_CLAIM_ID>CLAIM_ID
    claim_id        varchar not null,
    event           varchar not null,
    "at"            varchar not null,
    "by"            varchar,
    note            varchar,
    confidence      double not null,
    claim_sentence  varchar,
    answer_sentence varchar,
    article_id      varchar not null,       -- the article of the answer
    status          varchar not null default 'pending',  -- pending | accepted | rejected
    found_at        timestamp not null,
    decided_at      timestamp
);
