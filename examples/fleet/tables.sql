-- the tables: every trace exported under out/, with host and trace columns
CREATE VIEW events AS SELECT * FROM read_parquet('out/**/events.parquet', hive_partitioning = true);
CREATE VIEW files AS SELECT * FROM read_parquet('out/**/files.parquet', hive_partitioning = true);
