import { lazy, Suspense, useRef, type Ref } from 'react';

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
const loadEditor = () => import('./CodeMirrorYaml');
const CodeMirrorYaml = lazy(loadEditor);

/** Starts loading the editor ahead of need (a page that has one in a hidden tab). */
export function preloadYamlEditor(): void {
  void loadEditor();
}

/**
 * The YAML editor (CodeMirror 6 with YAML highlighting), or a read-only viewer. While it
 * loads, a placeholder holds its place in the tab order: a Tab that lands there is not lost,
 * focus moves into the editor as soon as it is ready.
 */
export function YamlEditor(props: YamlEditorProps) {
  const waiting = useRef(false);
  return (
    <Suspense
      fallback={
        <div
          className="code-editor code-editor--loading"
          style={{ minHeight: props.minHeight ?? '160px' }}
          aria-busy="true"
          aria-label={`${props.label} (loading)`}
          role="textbox"
          tabIndex={0}
          data-testid={props.testId ? `${props.testId}-loading` : undefined}
          onFocus={() => {
            waiting.current = true;
          }}
          onBlur={(event) => {
            // Unmounting the placeholder blurs it with nowhere to go: the editor takes over.
            if (event.relatedTarget) waiting.current = false;
          }}
        >
          <pre className="code-editor__fallback">{props.value}</pre>
        </div>
      }
    >
      <CodeMirrorYaml
        {...props}
        focusOnMount={() => {
          const was = waiting.current;
          waiting.current = false;
          return was;
        }}
      />
    </Suspense>
  );
}
