#!/usr/bin/env python3
"""Writes a synthetic database project of N objects, for scale benchmarks.

Usage: bench/synthetic-project.py N DIR [--per-file K]

The project has what real ones have, in proportion: schemas owned by different users
(so ownership chains break), roles with members, tables, views over them, procedures
that read across schemas, some with EXECUTE AS OWNER and dynamic SQL, grants to roles,
a DENY now and then, and GO batches. Objects are written K to a file (default 100), in
folders of 100 files. The output is deterministic for a given N and K.
"""
import argparse
import pathlib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("dir")
    ap.add_argument("--per-file", type=int, default=100)
    args = ap.parse_args()
    root = pathlib.Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    schemas = max(1, args.n // 1000)
    security = ["-- Principals and schemas.\n"]
    for s in range(schemas):
        security.append(f"CREATE USER owner{s} WITHOUT LOGIN;\nGO\n")
        security.append(f"CREATE ROLE app{s};\nGO\n")
        security.append(f"CREATE USER member{s} WITHOUT LOGIN;\nGO\n")
        security.append(f"ALTER ROLE app{s} ADD MEMBER member{s};\nGO\n")
        security.append(f"CREATE SCHEMA s{s} AUTHORIZATION owner{s};\nGO\n")
    (root / "Security").mkdir(exist_ok=True)
    (root / "Security" / "Principals.sql").write_text("".join(security))
    obj = 0
    file_no = 0
    while obj < args.n:
        parts = []
        for _ in range(args.per_file):
            if obj >= args.n:
                break
            # Four objects in a row share a schema: a table, a view and two procedures
            # that read it (an unbroken chain).
            s = (obj // 4) % schemas
            kind = obj % 4
            base = obj - kind
            ts = s
            # The next table, in the next schema with another owner: a broken chain.
            nxt = base + 4 if base + 4 < args.n else 0
            ns = (nxt // 4) % schemas
            if kind == 0:
                parts.append(
                    f"CREATE TABLE s{s}.t{obj}\n(\n    id int NOT NULL PRIMARY KEY,\n"
                    f"    name nvarchar(100) NULL,\n    amount decimal(12,2) NOT NULL DEFAULT 0\n);\nGO\n")
            elif kind == 1:
                parts.append(
                    f"CREATE VIEW s{s}.v{obj}\nAS\n    SELECT id, name FROM s{ts}.t{base};\nGO\n"
                    f"GRANT SELECT ON s{s}.v{obj} TO app{s};\nGO\n")
            elif kind == 2:
                parts.append(
                    f"CREATE PROCEDURE s{s}.p{obj}\n    @id int\nAS\nBEGIN\n    SET NOCOUNT ON;\n"
                    f"    SELECT id, name FROM s{ts}.t{base} WHERE id = @id;\n"
                    f"    UPDATE s{ns}.t{nxt} SET amount = amount + 1 WHERE id = @id;\n"
                    f"END\nGO\nGRANT EXECUTE ON s{s}.p{obj} TO app{s};\nGO\n")
            else:
                deny = f"DENY SELECT ON s{ts}.t{base} TO member{ts};\nGO\n" if obj % 40 == 3 else ""
                parts.append(
                    f"CREATE PROCEDURE s{s}.search{obj}\n    @filter nvarchar(200)\n"
                    f"WITH EXECUTE AS OWNER\nAS\nBEGIN\n"
                    f"    DECLARE @sql nvarchar(max) = N'SELECT id FROM s{ts}.t{base} WHERE name = @f';\n"
                    f"    EXEC sp_executesql @sql, N'@f nvarchar(200)', @f = @filter;\n"
                    f"END\nGO\nGRANT EXECUTE ON s{s}.search{obj} TO app{s};\nGO\n{deny}")
            obj += 1
        folder = root / f"part{file_no // 100:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"objects{file_no:05d}.sql").write_text("".join(parts))
        file_no += 1
    print(f"{args.n} objects in {file_no} files and {schemas} schemas under {root}")


if __name__ == "__main__":
    main()
