-- The application connects as members of payroll_app; hr_owner owns the hr schema.
CREATE ROLE payroll_app;
GO
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE USER report_runner WITHOUT LOGIN;
GO
CREATE USER support WITHOUT LOGIN;
GO
