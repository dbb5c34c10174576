-- Long procedure bodies, as diagnostic and maintenance procedures have them: the
-- recovery tests cut and spoil statements inside them.
CREATE PROCEDURE dbo.CollectWaitStats
    @DatabaseName sysname = NULL,
    @TopRows int = 20,
    @Debug bit = 0
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @sql nvarchar(max) = N'';
    DECLARE @now datetime2 = SYSDATETIME(), @count int = 0;
    DECLARE @name sysname;

    IF @TopRows IS NULL OR @TopRows < 1
        SET @TopRows = 20;

    CREATE TABLE #waits (wait_type nvarchar(60) NOT NULL, waited_ms bigint NOT NULL);

    INSERT INTO #waits (wait_type, waited_ms)
    SELECT ws.wait_type, ws.wait_time_ms
    FROM sys.dm_os_wait_stats AS ws
    WHERE ws.wait_type NOT IN (N'SLEEP_TASK', N'BROKER_TASK_STOP')
      AND ws.wait_time_ms > 0;

    UPDATE w
    SET waited_ms = w.waited_ms / 1000
    FROM #waits AS w
    WHERE w.waited_ms > 1000;

    IF @DatabaseName IS NOT NULL
    BEGIN
        SET @sql = N'SELECT name FROM ' + QUOTENAME(@DatabaseName) + N'.sys.objects;';
        IF @Debug = 1
            PRINT @sql;
        EXEC sys.sp_executesql @sql;
    END
    ELSE
    BEGIN
        SELECT @count = COUNT(*) FROM sys.databases WHERE state = 0;
        RAISERROR(N'%d databases online', 0, 1, @count) WITH NOWAIT;
    END

    DECLARE dbs CURSOR LOCAL FAST_FORWARD FOR
        SELECT d.name FROM sys.databases AS d WHERE d.database_id > 4;
    OPEN dbs;
    FETCH NEXT FROM dbs INTO @name;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        SET @count += 1;
        FETCH NEXT FROM dbs INTO @name;
    END
    CLOSE dbs;
    DEALLOCATE dbs;

    BEGIN TRY
        DELETE FROM #waits WHERE waited_ms = 0;
        MERGE dbo.WaitHistory AS target
        USING #waits AS source ON target.wait_type = source.wait_type
        WHEN MATCHED THEN UPDATE SET target.waited_ms = source.waited_ms
        WHEN NOT MATCHED THEN INSERT (wait_type, waited_ms) VALUES (source.wait_type, source.waited_ms);
    END TRY
    BEGIN CATCH
        THROW;
    END CATCH

    SELECT TOP (@TopRows) w.wait_type, w.waited_ms,
        CASE WHEN w.waited_ms > 100000 THEN N'high' ELSE N'low' END AS level
    FROM #waits AS w
    ORDER BY w.waited_ms DESC;

    DROP TABLE #waits;
    RETURN 0;
END
GO

CREATE PROCEDURE dbo.GrantReaders
    @Principal sysname
AS
BEGIN
    DECLARE @stmt nvarchar(400);
    IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = @Principal)
    BEGIN
        RAISERROR(N'no such principal', 16, 1);
        RETURN 1;
    END
    EXECUTE AS USER = N'deployer';
    SET @stmt = N'GRANT SELECT ON SCHEMA::Sales TO ' + QUOTENAME(@Principal);
    EXEC (@stmt);
    REVERT;
    GRANT EXECUTE ON dbo.CollectWaitStats TO [ReportReaders];
    DENY DELETE ON SCHEMA::Sales TO [ReportReaders];
    WAITFOR DELAY '00:00:01';
    SELECT p.name, p.type_desc FROM sys.database_principals AS p
    JOIN sys.database_role_members AS m ON m.member_principal_id = p.principal_id
    WHERE p.name = @Principal;
END
GO

CREATE FUNCTION dbo.OrderTotal (@OrderId int)
RETURNS money
AS
BEGIN
    DECLARE @total money;
    SELECT @total = SUM(l.Quantity * l.UnitPrice)
    FROM Sales.OrderLines AS l
    WHERE l.OrderId = @OrderId;
    IF @total IS NULL
        SET @total = 0;
    RETURN @total;
END
GO

CREATE TRIGGER Sales.OrdersAudit ON Sales.Orders
AFTER INSERT, UPDATE
AS
BEGIN
    SET NOCOUNT ON;
    INSERT INTO Sales.OrderAudit (OrderId, ChangedAt, ChangedBy)
    SELECT i.OrderId, SYSDATETIME(), ORIGINAL_LOGIN() FROM inserted AS i;
    UPDATE o SET o.LastChanged = SYSDATETIME()
    FROM Sales.Orders AS o JOIN inserted AS i ON i.OrderId = o.OrderId;
END
GO
