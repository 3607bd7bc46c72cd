import type { ComponentChildren } from 'preact';

export interface Column<Row> {
  header: string;
  render: (row: Row) => ComponentChildren;
  /** Right-aligned numbers and money. */
  numeric?: boolean;
}

/**
 * A table inside a focusable, labelled scroll region: on a phone it scrolls sideways (by touch or,
 * once focused, by arrow keys) instead of squeezing columns.
 */
export function DataTable<Row>(props: {
  caption: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  empty?: string;
  testId?: string;
}) {
  if (props.rows.length === 0) return <p class="muted" data-testid={props.testId}>{props.empty ?? 'Nothing yet.'}</p>;
  return (
    <div class="table-scroll" role="region" aria-label={props.caption} tabIndex={0} data-testid={props.testId}>
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" class={column.numeric ? 'numeric' : undefined} key={column.header}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {props.columns.map((column) => (
                <td class={column.numeric ? 'numeric' : undefined} key={column.header}>
                  {column.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
