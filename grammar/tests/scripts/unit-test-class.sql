EXEC tSQLt.NewTestClass @ClassName = N'OrderTests';
GO

CREATE PROCEDURE [OrderTests].[test placing an order stores its total]
AS
BEGIN
    -- Arrange: isolate the tables the procedure touches.
    EXEC tSQLt.FakeTable @TableName = N'sales.orders', @Identity = 1;
    EXEC tSQLt.FakeTable @TableName = N'sales.customers';
    INSERT INTO sales.customers (id, name) VALUES (7, N'Ada');

    DECLARE @lines sales.OrderLines;
    INSERT INTO @lines (product_id, qty, price) VALUES (1, 2, 5.00), (2, 1, 2.50);

    -- Act
    DECLARE @order_id int;
    EXEC sales.usp_place_order @customer_id = 7, @lines = @lines, @order_id = @order_id OUTPUT;

    -- Assert
    DECLARE @actual money = (SELECT total FROM sales.orders WHERE id = @order_id);
    EXEC tSQLt.AssertEquals @Expected = 12.50, @Actual = @actual;
END;
GO

CREATE PROCEDURE [OrderTests].[test unknown customer raises an error]
AS
BEGIN
    EXEC tSQLt.FakeTable @TableName = N'sales.customers';
    EXEC tSQLt.ExpectException @ExpectedMessagePattern = N'Unknown customer%';
    DECLARE @lines sales.OrderLines, @order_id int;
    EXEC sales.usp_place_order 99, @lines, @order_id OUTPUT;
END;
GO

EXEC tSQLt.Run N'OrderTests';
GO
