/** A tiny SVG line (no chart library): hundreds of these render in a list without cost. */
export function Sparkline({
  values,
  width = 120,
  height = 28,
  className = 'text-brand',
  label,
}: {
  values: (number | null)[];
  width?: number;
  height?: number;
  className?: string;
  label?: string;
}) {
  const nums = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (nums.length < 2) {
    return <svg width={width} height={height} aria-hidden className="text-border"><line x1="0" x2={width} y1={height / 2} y2={height / 2} stroke="currentColor" strokeDasharray="3 3" /></svg>;
  }
  const max = Math.max(...nums);
  const min = Math.min(...nums);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const x = i * step;
    const y = height - 2 - ((v - min) / span) * (height - 4);
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  });
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className={className} role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true}>
      <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}
