CREATE TABLE t (
  a INT,
  b STRING
) WITH ('connector' = 'blackhole');

INSERT INTO t SELECT a b c FROM src;
TRUNCATE TABLE t;
CREATE TABLE u (a INT PRIMARY KEY) WITH ('connector' = 'blackhole');
