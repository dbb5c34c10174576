/*
Post-deployment script: seeds the table as hr_owner.
*/
EXECUTE AS USER = 'hr_owner';
:r .\Seed.sql
GO
