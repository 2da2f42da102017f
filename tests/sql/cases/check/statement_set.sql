-- a comment before the first statement
CREATE TABLE s (a INT) WITH ('connector' = 'datagen');
CREATE TABLE x (a INT) WITH ('connector' = 'blackhole');
EXECUTE STATEMENT SET
BEGIN
  INSERT INTO x SELECT a FROM s; -- inner ';' does not split
  INSERT INTO y SELECT a FROM s;
END;
USE CATALOG hive
