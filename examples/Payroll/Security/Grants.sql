GRANT EXECUTE ON dbo.RaiseSalary TO [$(AppRole)];
GRANT EXECUTE ON dbo.SearchSalaries TO [$(AppRole)];
GRANT IMPERSONATE ON USER::hr_owner TO support;
GO
