/** Dates as people read them: the API's ISO timestamps in the viewer's locale, or a dash. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '–';
  const date = new Date(value.includes('T') || value.endsWith('Z') ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function Status(props: { value: string }) {
  return <span class={`status status-${props.value}`}>{props.value}</span>;
}
