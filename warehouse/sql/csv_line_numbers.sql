-- The line numbers of a CSV file's good rows ($index), once its malformed rows are known
-- (reject_errors). The reader numbered the good rows among themselves (line = k + h, the
-- header being line h: 1 unless blank lines come first); every malformed row before a good
-- one pushes it one further. The j-th malformed row (record R_j) has R_j - h - j good rows
-- before it, a count that never falls as j grows, so the good row k is record k + h + j for
-- the last j with R_j - h - j < k: an as-of join.
-- (A record is a line unless a quoted field spans several: DuckDB numbers its rejects by
-- record too.)
update staged_rows as s
set line = s.line + shifted.by
from (
    select good.line, malformed.j as by
    from (select line from staged_rows where file_index = $index) as good
    asof join (
        -- malformed rows in a row share a count: the last of them is the one
        select line - $header_line - j as good_before, max(j) as j
        from (select line, row_number() over (order by line) as j
              from (select distinct line from reject_errors))
        group by good_before
    ) as malformed
    on good.line - $header_line > malformed.good_before
) as shifted
where s.file_index = $index and s.line = shifted.line
