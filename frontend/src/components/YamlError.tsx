import type { RefObject } from 'react';
import { errorPosition, type AppError } from '@/lib/errors';
import { lineOfPath } from '@/lib/yamlPath';
import { InlineError } from './Field';
import type { YamlEditorHandle } from './YamlEditor';

/**
 * Where an editor's error points: the line and column its message gives (syntax errors,
 * template errors), else the line of the field path it names in the text (override errors).
 */
export function yamlErrorPosition(error: AppError | undefined | null, text: string): { line: number; column?: number } | undefined {
  if (!error) return undefined;
  const stated = errorPosition(error);
  if (stated) return stated;
  const line = error.field ? lineOfPath(text, error.field) : undefined;
  return line ? { line } : undefined;
}

/** An error under a YAML editor: its message, the path it names, a way to its line. */
export function YamlError({
  error,
  text,
  id,
  editor,
}: {
  error: AppError;
  text: string;
  id: string;
  editor: RefObject<YamlEditorHandle | null>;
}) {
  const position = yamlErrorPosition(error, text);
  return (
    <InlineError error={error} id={id}>
      {(error.field || position) && (
        <p className="field__error-where">
          {error.field && (
            <span>
              at <code>{error.field}</code>
            </span>
          )}
          {position && (
            <button type="button" className="link-button" onClick={() => editor.current?.goTo(position.line, position.column)}>
              Go to line {position.line}
              {position.column ? `, column ${position.column}` : ''}
            </button>
          )}
        </p>
      )}
    </InlineError>
  );
}
