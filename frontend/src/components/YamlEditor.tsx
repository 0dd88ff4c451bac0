import { lazy, Suspense, type Ref } from 'react';

export interface YamlEditorHandle {
  /** Moves the cursor to a 1-based line (and column) and focuses the editor. */
  goTo(line: number, column?: number): void;
}

export interface YamlEditorProps {
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  /** The accessible name of the text area. */
  label: string;
  /** Ids of elements describing the editor (its error, its hint). */
  describedBy?: string;
  invalid?: boolean;
  /** A line to mark as wrong (1-based). */
  errorLine?: number;
  minHeight?: string;
  maxHeight?: string;
  testId?: string;
  ref?: Ref<YamlEditorHandle>;
}

// CodeMirror is most of the bundle: load it when the first editor shows, not at start-up.
const CodeMirrorYaml = lazy(() => import('./CodeMirrorYaml'));

/** The YAML editor (CodeMirror 6 with YAML highlighting), or a read-only viewer. */
export function YamlEditor(props: YamlEditorProps) {
  return (
    <Suspense
      fallback={
        <div className="code-editor code-editor--loading" style={{ minHeight: props.minHeight ?? '160px' }} aria-busy="true">
          <pre className="code-editor__fallback">{props.value}</pre>
        </div>
      }
    >
      <CodeMirrorYaml {...props} />
    </Suspense>
  );
}
