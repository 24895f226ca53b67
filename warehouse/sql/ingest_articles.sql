-- What an ingest's articles leave beside the claims and outcomes it merged (008_articles.sql),
-- inside the ingest's transaction, after the merge. The batch is registered as frames:
-- batch_articles, batch_rejected, batch_origins, batch_events, batch_links.

-- Articles already ingested whose content changed: what they gave before and no longer
-- gives is taken back below.
create or replace temp table edited_articles as
with known as (
    select article_id, content_hash from main.articles
),
batch as (
    select article_id, content_hash from batch_articles
),
final as (
    select b.article_id
    from batch as b
    join known as k using (article_id)
    where k.content_hash <> b.content_hash
)
select * from final;

create or replace temp table stale_claims as
with previous as (
    select claim_id from main.claim_origins
    where article_id in (select article_id from edited_articles)
),
final as (
    select claim_id from previous
    where claim_id not in (select claim_id from batch_origins)
)
select * from final;

create or replace temp table stale_events as
with previous as (
    select * from main.event_origins
    where article_id in (select article_id from edited_articles)
),
final as (
    select p.* from previous as p
    where not exists (
        select 1 from batch_events as b
        where b.claim_id = p.claim_id and b.event = p.event and b."at" = p."at"
          and b."by" = p."by" and b.article_id = p.article_id
    )
)
select * from final;

delete from main.outcomes where claim_id in (select claim_id from stale_claims);
delete from main.claims where claim_id in (select claim_id from stale_claims);
delete from main.claim_origins where claim_id in (select claim_id from stale_claims);
delete from main.event_origins where claim_id in (select claim_id from stale_claims);
delete from main.review_links
where claim_id in (select claim_id from stale_claims) and status = 'pending';

-- An event the edited article no longer reports goes, unless another article still does.
delete from main.outcomes as o
using stale_events as s
where o.claim_id = s.claim_id and o.event = s.event and o."by" = s."by"
  and o."at"::date = try_cast(left(s."at", 10) as date)
  and not exists (
      select 1 from main.event_origins as e
      where e.claim_id = s.claim_id and e.event = s.event and e."by" = s."by"
        and e.article_id <> s.article_id
  );
delete from main.event_origins as e
using stale_events as s
where e.claim_id = s.claim_id and e.event = s.event and e."at" = s."at" and e."by" = s."by"
  and e.article_id = s.article_id;
delete from main.review_links
where status = 'pending' and article_id in (select article_id from edited_articles)
  and link_id not in (select link_id from batch_links);

-- The articles: new ones added, changed ones (content or file) replaced, the same left as
-- they are so that a re-ingest changes nothing.
delete from main.articles as a
using batch_articles as b
where a.article_id = b.article_id
  and (a.content_hash <> b.content_hash or a.file is distinct from b.file);

insert into main.articles (article_id, published_at, outlet, title, url, story, file,
                           content_hash, ingested_at)
select article_id, published_at, outlet, title, url, story, file, content_hash,
       now()::timestamp
from batch_articles as b
where not exists (select 1 from main.articles as a where a.article_id = b.article_id);

-- Where each loaded claim came from (a claim that failed validation has none).
delete from main.claim_origins as o
using batch_origins as b
where o.claim_id = b.claim_id
  and (o.article_id, o.sentence, o.source_spans, o.cue_spans, o.content_spans)
      is distinct from (b.article_id, b.sentence, b.source_spans, b.cue_spans, b.content_spans);

insert into main.claim_origins
select b.claim_id, b.article_id, b.sentence, b.source_spans, b.cue_spans, b.content_spans
from batch_origins as b
where b.claim_id in (select claim_id from main.claims)
  and not exists (select 1 from main.claim_origins as o where o.claim_id = b.claim_id);

insert into main.event_origins
select distinct b.claim_id, b.event, b."at", b."by", b.article_id
from batch_events as b
where b.claim_id in (select claim_id from main.claims)
  and not exists (
      select 1 from main.event_origins as e
      where e.claim_id = b.claim_id and e.event = b.event and e."at" = b."at"
        and e."by" = b."by" and e.article_id = b.article_id
  );

-- Links for review: only new ones; a link decided before (accepted or rejected) is not
-- asked again, and one whose claim did not load cannot be accepted.
insert into main.review_links (link_id, claim_id, event, "at", "by", note, confidence,
                               claim_sentence, answer_sentence, article_id, status, found_at)
select link_id, claim_id, event, "at", "by", note, confidence, claim_sentence, answer_sentence,
       article_id, 'pending', now()::timestamp
from batch_links as b
where b.claim_id in (select claim_id from main.claims)
  and not exists (select 1 from main.review_links as r where r.link_id = b.link_id);

-- Article rows that could not be read: the quarantine holds each file's current ones (a row
-- fixed since leaves it, one still bad stays as it was).
delete from main.quarantine as q
where q.kind = 'articles'
  and q.file in (select distinct file from batch_articles union select distinct file from batch_rejected)
  and not exists (
      select 1 from batch_rejected as r
      where r.file = q.file and r.line is not distinct from q.line
        and r.raw is not distinct from q.raw and r.reason = q.reason
  );

insert into main.quarantine (file, line, reason, raw, kind, claim_id, quarantined_at)
select r.file, r.line, r.reason, r.raw, 'articles', null, now()::timestamp
from batch_rejected as r
where not exists (
    select 1 from main.quarantine as q
    where q.kind = 'articles' and q.file = r.file and q.line is not distinct from r.line
      and q.raw is not distinct from r.raw and q.reason = r.reason
);
