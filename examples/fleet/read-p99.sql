-- p99 latency of read by host
SELECT host, count(*) AS reads, quantile_cont(duration_ns, 0.99) AS p99_ns,
       max(duration_ns) AS max_ns
FROM events WHERE name = 'read' AND duration_ns IS NOT NULL
GROUP BY host ORDER BY host;
