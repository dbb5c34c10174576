CREATE ROLE reporting AUTHORIZATION dbo
GO
CREATE USER report_reader WITHOUT LOGIN WITH DEFAULT_SCHEMA = sales
GO
ALTER ROLE reporting ADD MEMBER report_reader
GO
GRANT SELECT ON SCHEMA::sales TO reporting
GRANT EXECUTE ON OBJECT::sales.usp_place_order TO reporting WITH GRANT OPTION
DENY DELETE ON sales.orders TO reporting
REVOKE INSERT ON sales.lines FROM reporting CASCADE
GO

CREATE PROCEDURE dbo.usp_rebuild_indexes
    @fragmentation_limit float = 30.0
AS
BEGIN
    SET NOCOUNT ON
    DECLARE @schema sysname, @table sysname, @index sysname, @sql nvarchar(max)

    DECLARE work CURSOR LOCAL STATIC FOR
        SELECT s.name, t.name, i.name
        FROM sys.dm_db_index_physical_stats(DB_ID(), NULL, NULL, NULL, 'LIMITED') AS ps
        JOIN sys.indexes AS i ON i.object_id = ps.object_id AND i.index_id = ps.index_id
        JOIN sys.tables AS t ON t.object_id = i.object_id
        JOIN sys.schemas AS s ON s.schema_id = t.schema_id
        WHERE ps.avg_fragmentation_in_percent > @fragmentation_limit AND i.name IS NOT NULL

    OPEN work
    FETCH NEXT FROM work INTO @schema, @table, @index
    WHILE @@FETCH_STATUS = 0
    BEGIN
        SET @sql = N'ALTER INDEX ' + QUOTENAME(@index) + N' ON '
            + QUOTENAME(@schema) + N'.' + QUOTENAME(@table) + N' REBUILD'
        BEGIN TRY
            EXEC (@sql)
        END TRY
        BEGIN CATCH
            PRINT ERROR_MESSAGE()
        END CATCH
        FETCH NEXT FROM work INTO @schema, @table, @index
    END
    CLOSE work
    DEALLOCATE work
END
GO

EXECUTE AS USER = 'report_reader'
SELECT COUNT(*) FROM sales.orders
REVERT
GO

UPDATE STATISTICS sales.orders WITH FULLSCAN
DBCC CHECKIDENT ('sales.orders', NORESEED)
GO
