-- Runs as report_runner and pastes the caller's filter into dynamic SQL.
CREATE PROCEDURE dbo.SearchSalaries
    @Filter nvarchar(400)
WITH EXECUTE AS OWNER
AS
BEGIN
    DECLARE @sql nvarchar(max) = N'SELECT EmployeeId, Amount FROM hr.Salaries WHERE ' + @Filter;
    EXEC sp_executesql @sql;
END
GO
