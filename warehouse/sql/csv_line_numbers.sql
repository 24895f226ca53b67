-- The line numbers of a CSV file's good rows ($index), once its malformed rows are known
-- (reject_errors) and its empty lines after the header (blank_lines). DuckDB numbers a
-- malformed row by its line in the file, but a good row only among the good ones (line =
-- k + h, the header being line h), and it skips empty lines without counting them. So:
-- 1. Each malformed row's line among the lines that are not empty (its own line less the
--    empty lines before it).
-- 2. Every malformed row before a good one pushes it one line further: the j-th malformed
--    row (at R_j) has R_j - h - j good rows before it, a count that never falls as j grows,
--    so the good row k is at k + h + j for the last j with R_j - h - j < k: an as-of join.
-- 3. Back to the file's lines: a row at L among the lines that are not empty comes after
--    every empty line with fewer than L such lines before it (the i-th empty line, at b_i,
--    has b_i - i).
-- (A record is a line unless a quoted field spans several: DuckDB numbers its rejects by
-- record too.)
update staged_rows as s
set line = placed.line
from (
    with blank as (
        select line, row_number() over (order by line) as n from blank_lines
    ),
    malformed as (
        select distinct r.line - coalesce(b.n, 0) as line
        from (select distinct line from reject_errors) as r
        asof left join blank as b on r.line > b.line
    ),
    shifts as (
        -- malformed rows in a row share a count: the last of them is the one
        select line - $header_line - j as good_before, max(j) as j
        from (select line, row_number() over (order by line) as j from malformed)
        group by good_before
    ),
    good as (
        select g.line as given, g.line + coalesce(m.j, 0) as dense
        from (select line from staged_rows where file_index = $index) as g
        asof left join shifts as m on g.line - $header_line > m.good_before
    ),
    gaps as (
        -- empty lines in a row share a count: the last of them is the one
        select line - n as dense_before, max(n) as n from blank group by dense_before
    )
    select g.given, g.dense + coalesce(x.n, 0) as line
    from good as g
    asof left join gaps as x on g.dense > x.dense_before
) as placed
where s.file_index = $index and s.line = placed.given and placed.line <> placed.given
