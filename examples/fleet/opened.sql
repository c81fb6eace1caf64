-- runs that opened a file the others did not (not every run opened it)
WITH opened AS (
  SELECT DISTINCT host, trace, path FROM events
  WHERE name IN ('open', 'openat', 'openat2', 'creat') AND ret >= 0 AND path IS NOT NULL)
SELECT host, trace, path FROM opened
WHERE path IN (SELECT path FROM opened GROUP BY path
               HAVING count(*) < (SELECT count(DISTINCT (host, trace)) FROM opened))
ORDER BY path, host, trace;
