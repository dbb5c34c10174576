USE sales
GO

WITH recent AS (
    SELECT customer_id, COUNT(*) AS n, MAX(created) AS last_order
    FROM sales.orders
    WHERE created >= DATEADD(month, -6, GETDATE())
    GROUP BY customer_id
),
ranked AS (
    SELECT customer_id, n, RANK() OVER (ORDER BY n DESC) AS rk FROM recent
)
SELECT TOP (10) WITH TIES c.name, r.n, r.rk
FROM ranked AS r
JOIN sales.customers AS c ON c.id = r.customer_id
ORDER BY r.rk
OPTION (RECOMPILE)

SELECT c.id, x.total
FROM sales.customers AS c
OUTER APPLY (
    SELECT TOP 1 o.total FROM sales.orders AS o WITH (NOLOCK)
    WHERE o.customer_id = c.id ORDER BY o.created DESC
) AS x
WHERE c.email IS NOT NULL

SELECT p.*
FROM (SELECT YEAR(created) AS y, DATEPART(quarter, created) AS q, total FROM sales.orders) AS s
PIVOT (SUM(total) FOR q IN ([1], [2], [3], [4])) AS p

MERGE INTO sales.customers AS t
USING (SELECT id, name, email FROM staging.customers) AS s ON t.id = s.id
WHEN MATCHED AND (t.name <> s.name OR t.email <> s.email) THEN
    UPDATE SET t.name = s.name, t.email = s.email
WHEN NOT MATCHED BY TARGET THEN
    INSERT (name, email) VALUES (s.name, s.email)
WHEN NOT MATCHED BY SOURCE THEN
    DELETE
OUTPUT $action, inserted.id, deleted.id INTO dbo.merge_log (action, new_id, old_id);

SELECT id, name FROM sales.customers FOR JSON PATH, ROOT('customers')

SELECT STUFF((SELECT N', ' + name FROM sales.customers ORDER BY name FOR XML PATH('')), 1, 2, N'') AS names

INSERT INTO #import (id, name)
SELECT id, name FROM OPENJSON(@payload) WITH (id int '$.id', name nvarchar(100) '$.name')

UPDATE o SET o.status = 2
FROM sales.orders AS o
JOIN #import AS i ON i.id = o.id

TRUNCATE TABLE staging.customers
BULK INSERT staging.customers FROM 'C:\import\customers.csv' WITH (FIRSTROW = 2, FIELDTERMINATOR = ',')
GO 2
