export function Spinner({ label, className = '' }: { label?: string; className?: string }) {
  return (
    <span className={`spinner ${className}`.trim()} role={label ? 'status' : undefined}>
      <span className="spinner__ring" aria-hidden="true" />
      {label && <span className="visually-hidden">{label}</span>}
    </span>
  );
}
