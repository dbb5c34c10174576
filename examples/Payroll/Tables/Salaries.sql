CREATE TABLE hr.Salaries
(
    EmployeeId int           NOT NULL PRIMARY KEY,
    Amount     decimal(12,2) NOT NULL,
    ChangedAt  datetime2     NOT NULL DEFAULT SYSUTCDATETIME()
);
GO
