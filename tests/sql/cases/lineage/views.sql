CREATE TABLE orders (id INT, amount DOUBLE, password_hint STRING) WITH ('connector' = 'kafka', 'topic' = 'o', 'properties.sasl.jaas.config' = 'x y z', 'format' = 'json');
CREATE TABLE customers (id INT, name STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://db/c', 'table-name' = 'c', 'password' = 'hunter2');
CREATE TEMPORARY VIEW big AS SELECT o.id, c.name FROM orders o JOIN customers c ON o.id = c.id WHERE o.amount > 100;
CREATE VIEW big2 AS WITH w AS (SELECT * FROM big) SELECT * FROM w;
CREATE TABLE out1 (id INT, name STRING) WITH ('connector' = 'print');
CREATE TABLE out2 WITH ('connector' = 'blackhole') AS SELECT * FROM orders;
INSERT INTO out1 SELECT * FROM big2;
EXECUTE STATEMENT SET BEGIN
INSERT INTO out1 SELECT id, 'x' FROM orders;
INSERT INTO out1 SELECT * FROM TABLE(TUMBLE(TABLE customers, DESCRIPTOR(ts), INTERVAL '1' MINUTE));
END;
