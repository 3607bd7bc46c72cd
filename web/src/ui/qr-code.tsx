import { renderSVG } from 'uqr';
import { useMemo } from 'preact/hooks';

/**
 * A QR code of `value` as an SVG image (a data: URL, which the CSP allows for images; no inline
 * markup injected into the page).
 */
export function QrCode(props: { value: string; label: string; size?: number }) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(props.value, { border: 2 }))}`, [props.value]);
  const size = props.size ?? 160;
  return <img class="qr" src={src} width={size} height={size} alt={props.label} />;
}
