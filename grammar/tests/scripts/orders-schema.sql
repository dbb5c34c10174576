-- Schema for a small order-processing database, written as a deployment script.
CREATE SCHEMA sales AUTHORIZATION dbo
GO

CREATE TABLE sales.customers (
    id int IDENTITY(1, 1) NOT NULL,
    name nvarchar(100) NOT NULL,
    email nvarchar(200) NULL,
    created datetime2 NOT NULL CONSTRAINT df_customers_created DEFAULT SYSDATETIME(),
    CONSTRAINT pk_customers PRIMARY KEY CLUSTERED (id)
)
GO

CREATE TABLE sales.orders (
    id int IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    customer_id int NOT NULL REFERENCES sales.customers (id),
    status tinyint NOT NULL DEFAULT 0,
    total money NOT NULL,
    created datetime2 NOT NULL
)
GO

CREATE NONCLUSTERED INDEX ix_orders_customer ON sales.orders (customer_id) INCLUDE (total)
GO

/* Lines reference orders; a computed column holds the line total. */
CREATE TABLE sales.lines (
    order_id int NOT NULL,
    line_no int NOT NULL,
    qty int NOT NULL,
    price money NOT NULL,
    line_total AS qty * price PERSISTED,
    CONSTRAINT pk_lines PRIMARY KEY (order_id, line_no),
    CONSTRAINT fk_lines_orders FOREIGN KEY (order_id) REFERENCES sales.orders (id)
)
GO

CREATE VIEW sales.v_order_totals
WITH SCHEMABINDING
AS
SELECT o.id, o.customer_id, SUM(l.qty * l.price) AS computed_total
FROM sales.orders AS o
JOIN sales.lines AS l ON l.order_id = o.id
GROUP BY o.id, o.customer_id
GO

CREATE FUNCTION sales.fn_customer_orders (@customer_id int)
RETURNS TABLE
AS
RETURN
    SELECT id, status, total FROM sales.orders WHERE customer_id = @customer_id
GO

CREATE TRIGGER sales.trg_orders_audit ON sales.orders
AFTER UPDATE
AS
BEGIN
    SET NOCOUNT ON;
    INSERT INTO dbo.audit_log (table_name, row_id, changed)
    SELECT N'orders', i.id, SYSDATETIME()
    FROM inserted AS i
    JOIN deleted AS d ON d.id = i.id
    WHERE i.status <> d.status;
END
GO

EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Orders placed by customers',
    @level0type = N'SCHEMA', @level0name = N'sales', @level1type = N'TABLE', @level1name = N'orders'
GO
