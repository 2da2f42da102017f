SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE src (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'rows-per-secnd' = '5');
CREATE TABLE snk (id INT) WITH ('connector' = 'print');
INSERT INTO snk SELECT id FROM src;
SELECT * FROM src
