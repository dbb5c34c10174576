CREATE TYPE dbo.OrderLines AS TABLE (product_id int NOT NULL, qty int NOT NULL, price money NOT NULL)
GO
CREATE TYPE dbo.Email FROM nvarchar(320) NOT NULL
GO
CREATE SEQUENCE dbo.invoice_numbers AS int START WITH 1 INCREMENT BY 1
GO
CREATE SYNONYM dbo.archived_orders FOR archive.dbo.orders
GO
CREATE FUNCTION dbo.fn_line_total (@qty int, @price money)
RETURNS money
WITH SCHEMABINDING, RETURNS NULL ON NULL INPUT
AS
BEGIN
    RETURN @qty * @price
END
GO
CREATE FUNCTION dbo.fn_split_ids (@list nvarchar(max))
RETURNS @ids TABLE (id int NOT NULL)
AS
BEGIN
    INSERT INTO @ids (id)
    SELECT TRY_CAST(value AS int) FROM STRING_SPLIT(@list, N',') WHERE TRY_CAST(value AS int) IS NOT NULL
    RETURN
END
GO
CREATE OR ALTER VIEW dbo.v_invoices AS
SELECT i.id, i.number, c.name, SUM(dbo.fn_line_total(l.qty, l.price)) AS total
FROM dbo.invoices AS i
JOIN dbo.customers AS c ON c.id = i.customer_id
JOIN dbo.invoice_lines AS l ON l.invoice_id = i.id
GROUP BY i.id, i.number, c.name
GO
CREATE TRIGGER dbo.trg_invoices_number ON dbo.invoices
INSTEAD OF INSERT
AS
BEGIN
    SET NOCOUNT ON
    INSERT INTO dbo.invoices (customer_id, number)
    SELECT customer_id, NEXT VALUE FOR dbo.invoice_numbers FROM inserted
END
GO
CREATE TRIGGER trg_block_drops ON DATABASE
FOR DROP_TABLE, DROP_VIEW
AS
BEGIN
    DECLARE @event xml = EVENTDATA()
    IF IS_MEMBER('db_owner') = 0
    BEGIN
        PRINT @event.value('(/EVENT_INSTANCE/ObjectName)[1]', 'nvarchar(256)')
        ROLLBACK
    END
END
GO
CREATE PARTITION FUNCTION pf_invoice_year (int) AS RANGE RIGHT FOR VALUES (2022, 2023, 2024)
GO
CREATE PARTITION SCHEME ps_invoice_year AS PARTITION pf_invoice_year ALL TO ([PRIMARY])
GO
DROP VIEW IF EXISTS dbo.v_old_invoices
DROP PROCEDURE IF EXISTS dbo.usp_old_invoices
DROP FUNCTION IF EXISTS dbo.fn_old_total
GO
