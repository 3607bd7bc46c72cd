export { Page, Section } from './page';
export { DataTable, type Column } from './data-table';
export { Money, formatMoney } from './money';
export { TimeSeriesChart, BarChart, type ChartSeries } from './charts';
export { Form, Field, formText } from './form';
export { CopyButton, ConfirmButton } from './buttons';
export { QrCode } from './qr-code';
export { Notice, ErrorNotice, describeError } from './notice';
export { useLoad, type Loaded } from './use-load';
