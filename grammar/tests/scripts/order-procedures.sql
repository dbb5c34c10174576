CREATE OR ALTER PROCEDURE sales.usp_place_order
    @customer_id int,
    @lines sales.OrderLines READONLY,
    @order_id int OUTPUT
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON
    SET XACT_ABORT ON

    DECLARE @total money = 0
    DECLARE @now datetime2 = SYSDATETIME()

    IF NOT EXISTS (SELECT 1 FROM sales.customers WHERE id = @customer_id)
    BEGIN
        RAISERROR (N'Unknown customer %d', 16, 1, @customer_id)
        RETURN 1
    END

    BEGIN TRY
        BEGIN TRANSACTION

        SET @total = (SELECT SUM(qty * price) FROM @lines)

        INSERT INTO sales.orders (customer_id, status, total, created)
        VALUES (@customer_id, 0, @total, @now)

        SET @order_id = SCOPE_IDENTITY()

        INSERT INTO sales.lines (order_id, line_no, qty, price)
        SELECT @order_id, ROW_NUMBER() OVER (ORDER BY product_id), qty, price
        FROM @lines

        UPDATE sales.customers SET last_order = @now WHERE id = @customer_id

        COMMIT TRANSACTION
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH

    RETURN 0
END
GO

CREATE PROCEDURE sales.usp_purge_cancelled
    @older_than_days int = 90
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @cutoff datetime2 = DATEADD(day, -@older_than_days, SYSDATETIME());
    DECLARE @deleted TABLE (id int);

    WHILE 1 = 1
    BEGIN
        DELETE TOP (500) FROM sales.orders
        OUTPUT deleted.id INTO @deleted (id)
        WHERE status = 9 AND created < @cutoff;

        IF @@ROWCOUNT = 0 BREAK;
        WAITFOR DELAY '00:00:01';
    END

    SELECT COUNT(*) AS purged FROM @deleted;
END
GO

CREATE PROCEDURE dbo.usp_search
    @table sysname,
    @term nvarchar(100)
AS
BEGIN
    DECLARE @sql nvarchar(max) =
        N'SELECT * FROM sales.' + QUOTENAME(@table) + N' WHERE name LIKE @pattern'
    EXEC sys.sp_executesql @sql, N'@pattern nvarchar(102)', @pattern = @term
END
GO

CREATE PROCEDURE dbo.usp_report_cursor
AS
BEGIN
    DECLARE @id int, @name nvarchar(100)
    DECLARE c CURSOR LOCAL FAST_FORWARD FOR
        SELECT id, name FROM sales.customers ORDER BY name
    OPEN c
    FETCH NEXT FROM c INTO @id, @name
    WHILE @@FETCH_STATUS = 0
    BEGIN
        PRINT CONCAT(@id, N': ', @name)
        FETCH NEXT FROM c INTO @id, @name
    END
    CLOSE c
    DEALLOCATE c
END
GO
