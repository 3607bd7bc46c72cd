import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../../../functions/adapters/sql/split-sql-statements.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons and trims', () => {
    expect(splitSqlStatements('CREATE TABLE a (id int);\n\nCREATE TABLE b (id int);\n')).toEqual([
      'CREATE TABLE a (id int)',
      'CREATE TABLE b (id int)',
    ]);
  });

  it('keeps a last statement without a semicolon', () => {
    expect(splitSqlStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('drops empty statements and comment-only ones', () => {
    expect(splitSqlStatements(';;  ;\n-- just a note;\n/* another; */ ;SELECT 1;\n-- trailing')).toEqual([
      'SELECT 1',
    ]);
  });

  it('keeps leading comments with their statement', () => {
    expect(splitSqlStatements('-- why: x\nCREATE TABLE a (id int);')).toEqual(['-- why: x\nCREATE TABLE a (id int)']);
  });

  it('ignores semicolons in strings, quoted identifiers and comments', () => {
    const sql = `INSERT INTO t VALUES ('a;b', E'c\\';d', "semi;colon"); -- x; y\nSELECT /* ; */ 1;`;
    expect(splitSqlStatements(sql)).toEqual([
      `INSERT INTO t VALUES ('a;b', E'c\\';d', "semi;colon")`,
      '-- x; y\nSELECT /* ; */ 1',
    ]);
  });

  it('keeps function bodies in dollar quotes whole', () => {
    const fn = `CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is insert-only';
  RETURN NULL;
END;
$$`;
    const tagged = `DO $body$ BEGIN PERFORM 1; PERFORM $$;$$; END $body$`;
    expect(splitSqlStatements(`${fn};\n${tagged};\nSELECT 2;`)).toEqual([fn, tagged, 'SELECT 2']);
  });
});
