SET NOCOUNT ON
DECLARE @i int = 0, @n int, @name nvarchar(100), @sql nvarchar(max)
DECLARE @work TABLE (id int PRIMARY KEY, name nvarchar(100), done bit DEFAULT 0)
INSERT INTO @work (id, name) SELECT id, name FROM dbo.customers WHERE active = 1
SELECT @n = COUNT(*) FROM @work
IF @n = 0
    PRINT N'nothing to do'
ELSE IF @n > 1000
    RAISERROR (N'too many rows: %d', 10, 1, @n) WITH NOWAIT
ELSE
    PRINT CONCAT(N'rows: ', @n)
WHILE @i < @n
BEGIN
    SET @i = @i + 1
    SELECT TOP (1) @name = name FROM @work WHERE done = 0 ORDER BY id
    IF @name IS NULL BREAK
    SET @sql = N'UPDATE dbo.customers SET touched = SYSDATETIME() WHERE name = @p'
    EXEC sys.sp_executesql @sql, N'@p nvarchar(100)', @p = @name
    UPDATE @work SET done = 1 WHERE name = @name
    IF @@ERROR <> 0 GOTO failed
    IF @i % 100 = 0 CONTINUE
    WAITFOR DELAY '00:00:00.010'
END
MERGE dbo.customer_stats AS t
USING (SELECT COUNT(*) AS n FROM @work WHERE done = 1) AS s ON 1 = 1
WHEN MATCHED THEN UPDATE SET t.touched = s.n
WHEN NOT MATCHED THEN INSERT (touched) VALUES (s.n);
SELECT c.id, c.name, o.total
FROM dbo.customers AS c
LEFT JOIN dbo.orders AS o ON o.customer_id = c.id
WHERE c.id IN (SELECT id FROM @work)
ORDER BY c.name
RETURN;
failed:
PRINT N'failed'
THROW 50000, N'processing failed', 1
