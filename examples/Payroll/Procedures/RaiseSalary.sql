-- dbo owns this procedure but hr_owner owns hr.Salaries: the ownership chain breaks,
-- so callers need UPDATE and SELECT on the table itself.
CREATE PROCEDURE dbo.RaiseSalary
    @EmployeeId int,
    @Percent    decimal(5,2)
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE hr.Salaries
    SET Amount = Amount * (1 + @Percent / 100), ChangedAt = SYSUTCDATETIME()
    WHERE EmployeeId = @EmployeeId;
END
GO
