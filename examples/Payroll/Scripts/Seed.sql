INSERT INTO hr.Salaries (EmployeeId, Amount) VALUES (1, 52000), (2, 61000);
GO
