SET NOCOUNT ON;
GO
-- Windows line endings throughout this script.
CREATE TABLE dbo.crlf_items (
    id int NOT NULL PRIMARY KEY,
    label nvarchar(50) NOT NULL
);
GO
CREATE PROCEDURE dbo.usp_crlf_add
    @id int,
    @label nvarchar(50)
AS
BEGIN
    IF EXISTS (SELECT 1 FROM dbo.crlf_items WHERE id = @id)
        UPDATE dbo.crlf_items SET label = @label WHERE id = @id
    ELSE
        INSERT INTO dbo.crlf_items (id, label) VALUES (@id, @label)
END
GO
EXEC dbo.usp_crlf_add @id = 1, @label = N'first'
EXEC dbo.usp_crlf_add 2, N'it''s second'
GO
