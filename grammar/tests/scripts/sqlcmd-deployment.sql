/*
 Post-deployment script: seeds reference data. SQLCMD variables come from the publish profile.
*/
:setvar Environment "Test"
:on error exit
PRINT N'Deploying to $(Environment) in $(DatabaseName)'
GO

USE [$(DatabaseName)]
GO

MERGE INTO dbo.order_status AS t
USING (SELECT id, name FROM staging.order_status) AS s
ON t.id = s.id
WHEN MATCHED AND t.name <> s.name THEN UPDATE SET name = s.name
WHEN NOT MATCHED BY TARGET THEN INSERT (id, name) VALUES (s.id, s.name);
GO

IF '$(Environment)' = 'Test'
BEGIN
    INSERT INTO dbo.customers (name, email)
    SELECT N'Test customer ' + CAST(n AS nvarchar(10)), NULL
    FROM (SELECT TOP (10) ROW_NUMBER() OVER (ORDER BY object_id) AS n FROM sys.objects) AS numbers
END
GO

:r .\Security\Roles.sql
:r .\Data\Countries.sql
GO

EXEC sp_addextendedproperty @name = N'DeployedBy', @value = N'$(DeployUser)'
GO
