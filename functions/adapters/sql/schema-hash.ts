/**
 * The digest that identifies one set of migrations: SHA-256 over each `NNNN_*.sql` file's name
 * and text, in the order the runner applies them. The CDK construct puts it on the custom
 * resource (`SchemaHash`), the deploy handler recomputes it from its bundle: the two differ only
 * when CloudFormation replays old properties, i.e. during a rollback.
 */
import { createHash } from 'node:crypto';
import type { MigrationFile } from './run-migrations.js';

export function schemaHash(files: readonly MigrationFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(file.name).update('\0').update(file.text).update('\0');
  }
  return hash.digest('hex');
}
