import { CopyButton } from '@/components/CopyButton';

/** The colour of a line of the CLI rendering, by its leading marker. */
function lineTone(line: string): string | undefined {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('-/+')) return 'replace';
  if (trimmed.startsWith('+ ')) return 'add';
  if (trimmed.startsWith('- ')) return 'destroy';
  if (trimmed.startsWith('~ ')) return 'change';
  if (trimmed.startsWith('Error:') || trimmed.startsWith('Plan cannot be applied')) return 'error';
  if (trimmed.startsWith('cause:')) return 'muted';
  return undefined;
}

/** The plan exactly as `devarch plan` prints it, read-only, with the CLI's colours. */
export function PlanText({ text, stack }: { text: string; stack: string }) {
  return (
    <div className="card file-card plan-text" data-testid="plan-text">
      <div className="file-card__header">
        <code className="file-card__path">devarch plan {stack}</code>
        <CopyButton text={text} label="Copy" className="button--small" />
      </div>
      <pre className="plan-text__pre" role="region" aria-label={`Plan of ${stack} as text`} tabIndex={0}>
        {text.split('\n').map((line, index) => {
          const tone = lineTone(line);
          return (
            <span key={index} className={tone ? `plan-text__line plan-text__line--${tone}` : 'plan-text__line'}>
              {line}
              {'\n'}
            </span>
          );
        })}
      </pre>
    </div>
  );
}
