-- 003: backtest results of `trackrecord evaluate`, one row per method per evaluation.
create table evaluations (
    evaluated_at  timestamp not null,
    cutoff        date not null,
    horizon       date not null,
    method        varchar not null,        -- model | naive track record | overall rate
    claims        bigint not null,         -- claims open at the cutoff and settled later
    auc           double,
    brier         double,
    log_loss      double,
    ece           double,
    fingerprint   varchar
);
