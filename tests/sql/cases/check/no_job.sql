CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');
SHOW TABLES;
